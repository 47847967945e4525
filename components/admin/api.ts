"use client";

import { useQuery } from "@tanstack/react-query";
import { requestJson } from "@/components/auth/request";
import { useIsLive } from "@/components/live/live-status";
import type { ApiKeySummary, NewApiKey } from "@/lib/auth/api-keys";
import type { UserListEntry } from "@/lib/auth/users";
import type { CountCheck } from "@/lib/admin/count-check";
import type { Schedule } from "@/lib/admin/schedule";
import type { AdminSyncRun, SyncOverview } from "@/lib/admin/sync";

/** A server type as it arrives over JSON: dates become ISO strings. */
export type Wire<T> = T extends Date ? string : T extends readonly (infer U)[] ? Wire<U>[] : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;

export type SyncRunView = Wire<AdminSyncRun>;
export type SyncOverviewView = Wire<SyncOverview>;
export type UserView = Wire<UserListEntry>;
export type ApiKeyView = Wire<ApiKeySummary>;
export type NewApiKeyView = Wire<NewApiKey>;
export type CountCheckView = Wire<CountCheck>;
export type ScheduleView = Wire<Schedule>;

export const ADMIN_QUERY = {
  sync: (limit: number) => ["admin", "sync", limit] as const,
  /** Every page of the sync overview. */
  syncAll: ["admin", "sync"] as const,
  /** The Sources panel (its runs move with `source` events). */
  sources: ["admin", "sources"] as const,
  countCheck: (ref: number | "latest") => ["admin", "count-check", ref] as const,
  countCheckAll: ["admin", "count-check"] as const,
  schedule: ["admin", "schedule"] as const,
  users: ["admin", "users"] as const,
  keys: ["admin", "keys"] as const,
  rangeImports: ["admin", "range-imports"] as const,
  vettingPush: ["admin", "vetting-push"] as const,
};

/** While a run is active the console polls every second (live progress), else now and then for scheduled runs. */
const ACTIVE_POLL_MS = 1_000;
const IDLE_POLL_MS = 15_000;

export function useSyncOverview(limit: number) {
  // While the admin event stream is open, progress arrives by events (components/live/use-live-sync.ts).
  const live = useIsLive("admin:sync");
  return useQuery({
    queryKey: ADMIN_QUERY.sync(limit),
    queryFn: () => requestJson<SyncOverviewView>("GET", `/api/admin/sync?limit=${limit}`),
    refetchInterval: (query) => (live ? false : query.state.data?.current ? ACTIVE_POLL_MS : IDLE_POLL_MS),
    placeholderData: (previous) => previous,
    staleTime: 0,
  });
}

export function useCountCheck(ref: number | "latest") {
  return useQuery({
    queryKey: ADMIN_QUERY.countCheck(ref),
    queryFn: () => requestJson<CountCheckView>("GET", `/api/admin/sync/${ref}/species`),
    staleTime: 0,
  });
}

export function useSchedule() {
  return useQuery({ queryKey: ADMIN_QUERY.schedule, queryFn: () => requestJson<ScheduleView>("GET", "/api/admin/schedule"), staleTime: 0 });
}

export function useUsers() {
  return useQuery({ queryKey: ADMIN_QUERY.users, queryFn: () => requestJson<UserView[]>("GET", "/api/admin/users"), staleTime: 0 });
}

export function useApiKeys() {
  return useQuery({ queryKey: ADMIN_QUERY.keys, queryFn: () => requestJson<ApiKeyView[]>("GET", "/api/admin/keys"), staleTime: 0 });
}

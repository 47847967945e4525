"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { requestJson } from "@/components/auth/request";
import { formatDateTime } from "@/components/species/format";
import { ADMIN_QUERY, useSyncOverview, type SyncOverviewView } from "./api";
import { SyncHistory } from "./sync-history";
import { SyncProgress } from "./sync-progress";
import { button, ConfirmInline, ErrorNote, primary, QueryState, Section } from "./ui";
import { useAction } from "@/components/use-action";
import { useLiveSync } from "@/components/live/use-live-sync";

const FIRST_PAGE = 10;
const PAGE = 20;
const MAX_HISTORY = 100;

/** A sentence for screen readers when a run starts, moves on or ends (even one that ended between two polls). */
function describeChange(before: SyncOverviewView, now: SyncOverviewView): string | null {
  const [was, is] = [before.current, now.current];
  if (is && was?.id !== is.id) return `Sync #${is.id} ${is.status === "queued" ? "queued" : "started"}.`;
  if (is && was && was.status !== is.status) return `Sync #${is.id} is ${is.status}.`;
  const ended = now.history[0];
  if (!is && ended && ended.id !== before.history[0]?.id) {
    return ended.status === "failed" ? `Sync #${ended.id} failed: ${ended.error ?? "no reason given"}` : `Sync #${ended.id} succeeded.`;
  }
  return null;
}

/** The current sync (live), the buttons that start one, and the history. */
export function SyncPanel({ onShowCountCheck }: { onShowCountCheck: (runId: number) => void }) {
  const [limit, setLimit] = useState(FIRST_PAGE);
  const overview = useSyncOverview(limit);
  useLiveSync();
  const queryClient = useQueryClient();
  const [confirmFull, setConfirmFull] = useState(false);
  const starting = useAction();
  const [announcement, setAnnouncement] = useState("");
  const fullButton = useRef<HTMLButtonElement>(null);

  const current = overview.data?.current ?? null;
  const history = overview.data?.history ?? [];
  const previous = useRef<SyncOverviewView | null>(null);
  useEffect(() => {
    const now = overview.data;
    if (!now) return;
    const before = previous.current;
    previous.current = now;
    if (!before) return;
    const message = describeChange(before, now);
    if (message) setAnnouncement(message);
    // A run that just ended has a new count check.
    if (now.history[0]?.id !== before.history[0]?.id) void queryClient.invalidateQueries({ queryKey: ADMIN_QUERY.countCheckAll });
  }, [overview.data, queryClient]);

  const start = (kind: "incremental" | "full") => {
    setConfirmFull(false);
    return starting.run(async () => {
      // The refetch shows the new run, and the live region announces it.
      await requestJson<{ runId: number }>("POST", "/api/admin/sync", { kind });
      await queryClient.invalidateQueries({ queryKey: ADMIN_QUERY.syncAll });
    });
  };

  const busy = starting.busy || current !== null || overview.isPending;
  const last = history[0];
  return (
    <Section id="sync" title="Sync">
      <div className="space-y-4">
        <QueryState what="the sync status" isPending={overview.isPending} error={overview.error} />
        {overview.data &&
          (current ? (
            <SyncProgress run={current} />
          ) : (
            <p className="text-sm text-slate-700">
              No sync is running.
              {last && (
                <>
                  {" "}
                  The last one (#{last.id}) {last.status === "failed" ? "failed" : "succeeded"}
                  {last.finishedAt ? ` on ${formatDateTime(last.finishedAt)}` : ""}.
                </>
              )}
            </p>
          ))}
        <div className="flex flex-wrap items-center gap-2">
          <button type="button" className={primary} disabled={busy} onClick={() => void start("incremental")}>
            Start incremental sync
          </button>
          <button ref={fullButton} type="button" className={button} disabled={busy} onClick={() => setConfirmFull(true)} aria-expanded={confirmFull}>
            Start full sync…
          </button>
          {current && <span className="text-sm text-slate-600">One sync runs at a time.</span>}
        </div>
        {confirmFull && !busy && (
          <ConfirmInline
            prompt="A full sync reads every record from the ALA again (hours for the whole of Australia's birds). Start it?"
            confirmLabel="Start full sync"
            onConfirm={() => void start("full")}
            onCancel={() => {
              setConfirmFull(false);
              fullButton.current?.focus();
            }}
          />
        )}
        {starting.error && <ErrorNote>{starting.error}</ErrorNote>}
        <p role="status" aria-live="polite" className="sr-only">
          {announcement}
        </p>
        {overview.data && (
          <SyncHistory
            runs={history}
            onShowCountCheck={onShowCountCheck}
            more={history.length >= limit && limit < MAX_HISTORY ? () => setLimit((l) => Math.min(MAX_HISTORY, l + PAGE)) : undefined}
          />
        )}
      </div>
    </Section>
  );
}

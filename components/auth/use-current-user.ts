"use client";

import { useQuery } from "@tanstack/react-query";
import { VETTING_ROLES, type Role } from "@/lib/auth/roles";
import { RequestError, requestJson } from "./request";

/** GET /api/me */
export interface CurrentUser {
  id: string;
  name: string;
  email: string;
  role: Role;
}

export const CURRENT_USER_KEY = ["me"] as const;

/** Who is signed in: `data` is the user, null when nobody is, undefined while loading. */
export function useCurrentUser() {
  return useQuery({
    queryKey: CURRENT_USER_KEY,
    queryFn: async () => {
      try {
        const me = await requestJson<CurrentUser | { user: null }>("GET", "/api/me");
        return "id" in me ? me : null;
      } catch (err) {
        // A session that ended between requests.
        if (err instanceof RequestError && err.status === 401) return null;
        throw err;
      }
    },
    staleTime: 60_000,
  });
}

export function canVet(user: CurrentUser | null | undefined): boolean {
  return !!user && VETTING_ROLES.includes(user.role);
}

"use client";

import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState } from "react";
import { signOut } from "./sign-out";
import { canVet, CURRENT_USER_KEY, useCurrentUser } from "./use-current-user";

const control =
  "inline-flex items-center gap-1 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 shadow-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-700";
const item = "block w-full rounded px-3 py-2 text-left text-sm text-slate-800 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-sky-700";

/**
 * Sign in / the signed-in user's menu (my vettings, admin, sign out), for any page's header.
 * Keyboard: Enter/Space opens it, Escape closes it and returns focus to the button.
 */
export function AccountMenu() {
  const me = useCurrentUser();
  const queryClient = useQueryClient();
  const router = useRouter();
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const menuId = useId();
  const button = useRef<HTMLButtonElement>(null);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onPointer = (e: PointerEvent) => {
      if (!box.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        setOpen(false);
        button.current?.focus();
      }
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  if (me.isPending) {
    return (
      <span className="text-sm text-slate-500" role="status">
        Checking sign-in…
      </span>
    );
  }
  const user = me.data;
  if (!user) {
    const next = typeof window === "undefined" ? pathname : `${pathname}${window.location.search}`;
    return (
      <Link href={`/login?next=${encodeURIComponent(next)}`} className={control}>
        Sign in
      </Link>
    );
  }

  const onSignOut = async () => {
    setError(null);
    try {
      await signOut();
      setOpen(false);
      queryClient.setQueryData(CURRENT_USER_KEY, null);
      router.refresh();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <div ref={box} className="relative">
      <button
        ref={button}
        type="button"
        className={control}
        aria-haspopup="true"
        aria-expanded={open}
        aria-controls={menuId}
        aria-label={`${user.name}, account menu`}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="max-w-40 truncate">{user.name}</span>
        <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div id={menuId} className="absolute right-0 z-20 mt-1 w-60 rounded-md border border-slate-200 bg-white p-1 shadow-lg">
          <p className="px-3 py-2 text-xs text-slate-600">
            Signed in as <span className="font-medium text-slate-800">{user.email}</span>
            <br />
            Role: {user.role}
          </p>
          <ul className="border-t border-slate-100 pt-1">
            {canVet(user) && (
              <li>
                <Link href="/vettings" className={item} onClick={() => setOpen(false)}>
                  My vettings
                </Link>
              </li>
            )}
            {user.role === "admin" && (
              <li>
                <Link href="/admin" className={item} onClick={() => setOpen(false)}>
                  Admin
                </Link>
              </li>
            )}
            <li>
              <button type="button" className={item} onClick={onSignOut}>
                Sign out
              </button>
            </li>
          </ul>
          {error && (
            <p role="alert" className="px-3 py-2 text-xs text-red-700">
              {error}
            </p>
          )}
        </div>
      )}
    </div>
  );
}

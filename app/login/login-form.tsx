"use client";

import { useId, useRef, useState, type FormEvent } from "react";
import { field as input } from "@/components/accounts/form-ui";
import { requestJson } from "@/components/auth/request";
import { useHydrated } from "@/components/use-hydrated";

/** Email + password against better-auth's endpoint; on success a full navigation to `next`, so every page sees the session. */
export function LoginForm({ next }: { next: string }) {
  const hydrated = useHydrated();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const errorId = useId();
  const email = useRef<HTMLInputElement>(null);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    try {
      await requestJson("POST", "/api/auth/sign-in/email", { email: form.get("email"), password: form.get("password") });
      window.location.assign(next);
    } catch (err) {
      setError((err as Error).message);
      setPending(false);
      email.current?.focus();
    }
  };

  return (
    <form onSubmit={onSubmit} aria-describedby={error ? errorId : undefined} className="space-y-4">
      <div>
        <label htmlFor="login-email" className="block text-sm font-medium text-slate-800">
          Email
        </label>
        <input
          ref={email}
          id="login-email"
          name="email"
          type="email"
          autoComplete="username"
          required
          autoFocus
          aria-invalid={error ? true : undefined}
          className={input}
        />
      </div>
      <div>
        <label htmlFor="login-password" className="block text-sm font-medium text-slate-800">
          Password
        </label>
        <input
          id="login-password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          minLength={8}
          aria-invalid={error ? true : undefined}
          className={input}
        />
      </div>
      {error && (
        <p id={errorId} role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      )}
      <button
        type="submit"
        disabled={!hydrated || pending}
        className="w-full rounded-md bg-sky-800 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-sky-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-700 disabled:opacity-60"
      >
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}

"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import { alert, field, label, notice, submit } from "@/components/accounts/form-ui";
import { requestJson } from "@/components/auth/request";
import { useHydrated } from "@/components/use-hydrated";

function useSubmit() {
  const hydrated = useHydrated();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const run = async (work: () => Promise<string>) => {
    setPending(true);
    setError(null);
    try {
      setDone(await work());
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setPending(false);
    }
  };
  return { disabled: !hydrated || pending, pending, error, done, run, setError };
}

/** Asks for a reset link; the answer is the same whether or not the address has an account. */
export function RequestResetForm() {
  const { disabled, pending, error, done, run } = useSubmit();
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const email = new FormData(event.currentTarget).get("email");
    void run(async () => (await requestJson<{ message: string }>("POST", "/api/password-reset", { email })).message);
  };
  if (done) {
    return (
      <p role="status" className={notice}>
        {done}
      </p>
    );
  }
  return (
    <form onSubmit={onSubmit} className="space-y-4">
      <p className="text-sm text-slate-700">Enter your account&apos;s email address; a link to choose a new password will be emailed to it.</p>
      <div>
        <label htmlFor="reset-email" className={label}>
          Email
        </label>
        <input id="reset-email" name="email" type="email" autoComplete="username" required className={field} />
      </div>
      {error && (
        <p role="alert" className={alert}>
          {error}
        </p>
      )}
      <button type="submit" disabled={disabled} className={submit}>
        {pending ? "Sending…" : "Email me a link"}
      </button>
    </form>
  );
}

/** Sets the new password from the emailed link. */
export function ResetForm({ token }: { token: string }) {
  const { disabled, pending, error, done, run, setError } = useSubmit();
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get("password"));
    if (password !== form.get("confirm")) return setError("The two passwords differ.");
    void run(async () => {
      const { email } = await requestJson<{ email: string }>("POST", "/api/password-reset/confirm", { token, password });
      return `The password of ${email} is changed, and every session of it was signed out.`;
    });
  };
  if (done) {
    return (
      <div className="space-y-3">
        <p role="status" className={notice}>
          {done}
        </p>
        <Link href="/login" className="text-sm font-medium text-sky-800 underline">
          Sign in
        </Link>
      </div>
    );
  }
  return (
    <form onSubmit={onSubmit} className="space-y-4">
      <div>
        <label htmlFor="reset-password" className={label}>
          New password
        </label>
        <input id="reset-password" name="password" type="password" autoComplete="new-password" required minLength={8} maxLength={128} className={field} />
      </div>
      <div>
        <label htmlFor="reset-confirm" className={label}>
          New password again
        </label>
        <input id="reset-confirm" name="confirm" type="password" autoComplete="new-password" required minLength={8} maxLength={128} className={field} />
      </div>
      {error && (
        <p role="alert" className={alert}>
          {error}
        </p>
      )}
      <button type="submit" disabled={disabled} className={submit}>
        {pending ? "Saving…" : "Set the new password"}
      </button>
    </form>
  );
}

"use client";

import { useId, useState, type FormEvent } from "react";
import { alert, field, label, submit } from "@/components/accounts/form-ui";
import { requestJson } from "@/components/auth/request";
import { useHydrated } from "@/components/use-hydrated";

/** Sets the invitee's name and password, signs them in, and takes them to their role's page. */
export function AcceptForm({ token, email }: { token: string; email: string }) {
  const hydrated = useHydrated();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const errorId = useId();

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get("password"));
    if (password !== form.get("confirm")) {
      setError("The two passwords differ.");
      return;
    }
    setPending(true);
    setError(null);
    try {
      const name = String(form.get("name") ?? "").trim();
      const { next } = await requestJson<{ next: string }>("POST", "/api/invitations/accept", { token, password, ...(name ? { name } : {}) });
      await requestJson("POST", "/api/auth/sign-in/email", { email, password });
      window.location.assign(next);
    } catch (err) {
      setError((err as Error).message);
      setPending(false);
    }
  };

  return (
    <form onSubmit={onSubmit} aria-describedby={error ? errorId : undefined} className="space-y-4">
      <div>
        <label htmlFor="invite-name" className={label}>
          Your name
        </label>
        <input id="invite-name" name="name" autoComplete="name" maxLength={200} className={field} />
      </div>
      <div>
        <label htmlFor="invite-password" className={label}>
          Password
        </label>
        <input id="invite-password" name="password" type="password" autoComplete="new-password" required minLength={8} maxLength={128} className={field} />
      </div>
      <div>
        <label htmlFor="invite-confirm" className={label}>
          Password again
        </label>
        <input id="invite-confirm" name="confirm" type="password" autoComplete="new-password" required minLength={8} maxLength={128} className={field} />
      </div>
      {error && (
        <p id={errorId} role="alert" className={alert}>
          {error}
        </p>
      )}
      <button type="submit" disabled={!hydrated || pending} className={submit}>
        {pending ? "Creating your account…" : "Create my account"}
      </button>
    </form>
  );
}

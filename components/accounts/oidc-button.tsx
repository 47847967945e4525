"use client";

import { useState } from "react";
import { requestJson } from "@/components/auth/request";
import { useHydrated } from "@/components/use-hydrated";
import { alert, secondary } from "./form-ui";

/**
 * Starts an OpenID Connect sign-in: better-auth answers with the provider's authorization URL
 * (state, nonce and PKCE made and kept server-side), and the browser goes there.
 */
export function OidcButton({ label, next, errorPath }: { label: string; next: string; errorPath: string }) {
  const hydrated = useHydrated();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const start = async () => {
    setPending(true);
    setError(null);
    try {
      const { url } = await requestJson<{ url: string }>("POST", "/api/auth/sign-in/social", {
        provider: "oidc",
        callbackURL: next,
        errorCallbackURL: errorPath,
      });
      window.location.assign(url);
    } catch (err) {
      setError((err as Error).message);
      setPending(false);
    }
  };
  return (
    <div className="space-y-2">
      <button type="button" className={secondary} disabled={!hydrated || pending} onClick={() => void start()}>
        {pending ? "Redirecting…" : label}
      </button>
      {error && (
        <p role="alert" className={alert}>
          {error}
        </p>
      )}
    </div>
  );
}

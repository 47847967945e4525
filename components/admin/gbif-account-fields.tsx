"use client";

import { useId } from "react";
import { input } from "./ui";

export interface GbifAccount {
  username: string;
  password: string;
}

/**
 * The GBIF account a `gbif` source's downloads are requested with (docs/sources.md): sent once
 * as the source's credentials, stored encrypted, never shown again.
 */
export function GbifAccountFields({ value, onChange }: { value: GbifAccount; onChange: (next: GbifAccount) => void }) {
  const id = useId();
  return (
    <>
      <label className="flex flex-col gap-1" htmlFor={`${id}-user`}>
        GBIF username
        <input id={`${id}-user`} className={input} autoComplete="off" value={value.username} onChange={(e) => onChange({ ...value, username: e.target.value })} />
      </label>
      <label className="flex flex-col gap-1" htmlFor={`${id}-password`}>
        GBIF password
        <input id={`${id}-password`} type="password" className={input} autoComplete="new-password" value={value.password} onChange={(e) => onChange({ ...value, password: e.target.value })} />
      </label>
    </>
  );
}

/** The credentials to send for a GBIF account: none when both fields are empty. */
export function gbifCredentials(a: GbifAccount): Record<string, string> | undefined {
  const username = a.username.trim();
  return username || a.password ? { username, password: a.password } : undefined;
}

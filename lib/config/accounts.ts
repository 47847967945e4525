/**
 * Environment of accounts (docs/accounts.md): the public address emailed links use, SMTP, and the
 * OpenID Connect provider. Kept apart from the rest of the configuration so it reads as one piece.
 */
import { z } from "zod";

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

/** A comma-separated list; empty entries dropped. */
const list = z
  .string()
  .optional()
  .transform((v) => (v ?? "").split(",").map((s) => s.trim()).filter(Boolean));

export const accountsEnv = {
  /**
   * Where people reach Edgar (https://edgar.example.org): every emailed link is built on it, never on
   * the request's Host header, which a caller chooses (reset-link poisoning). Unset: http://localhost:PORT.
   */
  PUBLIC_URL: optional.pipe(z.url({ protocol: /^https?$/ }).transform((v) => v.replace(/\/+$/, "")).optional()),
  /** smtp://user:pass@host:587 or smtps://…; unset: no email is sent, and the console shows links instead. */
  SMTP_URL: optional.pipe(z.string().regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL").optional()),
  MAIL_FROM: optional.transform((v) => v ?? "Edgar <edgar@localhost>"),
  /** `off` hides password sign-in (only OpenID Connect remains). */
  LOCAL_PASSWORDS: optional.pipe(z.enum(["on", "off"]).optional()).transform((v) => v !== "off"),
  /** The OpenID Connect provider's issuer (its discovery document is ISSUER/.well-known/openid-configuration). */
  OIDC_ISSUER: optional.pipe(z.url({ protocol: /^https?$/ }).transform((v) => v.replace(/\/+$/, "")).optional()),
  OIDC_CLIENT_ID: optional,
  OIDC_CLIENT_SECRET: optional,
  /** The sign-in button's label. */
  OIDC_NAME: optional.transform((v) => v ?? "Sign in with OpenID Connect"),
  /** Extra scopes beyond `openid email profile` (space separated), for providers that put roles behind one. */
  OIDC_SCOPES: optional.transform((v) => (v ?? "").split(/\s+/).filter(Boolean)),
  /** A claim of the ID token or userinfo (a string or a list of strings) mapped to Edgar roles. */
  OIDC_ROLE_CLAIM: optional,
  OIDC_EXPERT_VALUES: list,
  OIDC_ADMIN_VALUES: list,
};

/** Settings that are each valid but wrong together. */
export function checkAccountsConfig(c: {
  OIDC_ISSUER?: string;
  OIDC_CLIENT_ID?: string;
  LOCAL_PASSWORDS: boolean;
}): string | null {
  if ((c.OIDC_ISSUER === undefined) !== (c.OIDC_CLIENT_ID === undefined)) return "OIDC_ISSUER and OIDC_CLIENT_ID must be set together";
  if (!c.LOCAL_PASSWORDS && c.OIDC_ISSUER === undefined) return "LOCAL_PASSWORDS=off needs OIDC_ISSUER: nobody could sign in";
  return null;
}

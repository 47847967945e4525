// Where the e2e identity provider and mail server listen (e2e/outside.ts starts them), for the specs:
// kept apart so a spec importing these does not load the servers' packages.
export const OIDC_PORT = Number(process.env.E2E_OIDC_PORT ?? 3212);
export const SMTP_PORT = Number(process.env.E2E_SMTP_PORT ?? 3213);
/** The stand-in for the ALA's vetting service that e2e/range-imports.spec.ts runs (e2e/server.ts points ALA_VETTING_URL there). */
export const VETTING_PORT = Number(process.env.E2E_VETTING_PORT ?? 3214);
export const OIDC_URL = `http://127.0.0.1:${OIDC_PORT}`;
/** The sign-in button's label in e2e ("Sign in with …" would clash with the password form's "Sign in" button). */
export const OIDC_NAME = "Continue with Test ID";

/** A received email as the mailbox answers it. */
export interface ReceivedMail {
  subject: string;
  from: string;
  to: string;
  messageId: string;
  date: string;
  contentType: string;
  text: string;
  html: string;
}


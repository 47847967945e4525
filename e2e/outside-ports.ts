// Where the e2e identity provider and mail server listen (e2e/outside.ts starts them), for the specs:
// kept apart so a spec importing these does not load the servers' packages.
export const OIDC_PORT = Number(process.env.E2E_OIDC_PORT ?? 3212);
export const SMTP_PORT = Number(process.env.E2E_SMTP_PORT ?? 3213);
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


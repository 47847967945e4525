// The e2e SMTP server's mailbox (e2e/outside.ts), read over HTTP: the next message to an address.
import { expect, type APIRequestContext } from "@playwright/test";
import { OIDC_URL, type ReceivedMail } from "./outside-ports";

export async function nextMail(request: APIRequestContext, to: string): Promise<ReceivedMail> {
  const response = await request.get(`${OIDC_URL}/__control/mail?to=${encodeURIComponent(to)}`, { timeout: 20_000 });
  expect(response.status(), `no email to ${to}`).toBe(200);
  return response.json();
}

/** The one link of a message's plain-text part. */
export function linkIn(mail: ReceivedMail): string {
  const link = /https?:\/\/\S+/.exec(mail.text)?.[0];
  expect(link, `no link in: ${mail.text}`).toBeTruthy();
  return link!;
}

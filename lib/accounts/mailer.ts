/**
 * Sends email through SMTP_URL with nodemailer. Without SMTP_URL nothing is sent and the caller
 * learns why, so the console can show the link for an admin to pass on instead.
 */
import nodemailer, { type Transporter } from "nodemailer";
import { config } from "@/lib/config";
import { log } from "@/lib/log";

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export type MailResult = { sent: true } | { sent: false; reason: string };

/** A connection, greeting or reply that takes longer is a failure, not a hung request. */
const TIMEOUT_MS = 15_000;

let transport: { url: string; transporter: Transporter } | undefined;

function transporter(url: string): Transporter {
  if (transport?.url !== url) {
    transport = {
      url,
      transporter: nodemailer.createTransport({ url, connectionTimeout: TIMEOUT_MS, greetingTimeout: TIMEOUT_MS, socketTimeout: TIMEOUT_MS }),
    };
  }
  return transport.transporter;
}

export async function sendMail(mail: Mail): Promise<MailResult> {
  const { SMTP_URL, MAIL_FROM } = config();
  if (!SMTP_URL) return { sent: false, reason: "No email was sent: SMTP_URL is not set." };
  try {
    await transporter(SMTP_URL).sendMail({ from: MAIL_FROM, ...mail });
    return { sent: true };
  } catch (err) {
    log.warn({ err, to: mail.to, subject: mail.subject }, "sending email failed");
    return { sent: false, reason: `No email was sent: the SMTP server refused or did not answer (${(err as Error).message}).` };
  }
}

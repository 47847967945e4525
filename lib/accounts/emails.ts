/**
 * The messages Edgar emails: a plain-text part and an HTML part with the same words. Every value
 * put into the HTML is escaped (a name or address comes from outside).
 */
import type { Mail } from "./mailer";

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function message(to: string, subject: string, paragraphs: string[], link: { href: string; label: string }, after: string): Mail {
  const text = [...paragraphs, link.href, after].join("\n\n") + "\n";
  const html = [
    "<!doctype html><html><body style=\"font-family: sans-serif; line-height: 1.5\">",
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>`,
    `<p>${escapeHtml(after)}</p>`,
    "</body></html>",
  ].join("\n");
  return { to, subject, text, html };
}

export function invitationEmail(input: { to: string; role: string; invitedBy: string; link: string; expiresAt: Date }): Mail {
  return message(
    input.to,
    "You are invited to Edgar",
    [
      `${input.invitedBy} invites you to Edgar, the Atlas of Living Australia's bird records portal, as ${/^[aeiou]/.test(input.role) ? "an" : "a"} ${input.role}.`,
      "Open this link to set a password (or sign in with your organisation's account) and start:",
    ],
    { href: input.link, label: "Accept the invitation" },
    `The link works once, until ${input.expiresAt.toUTCString()}. If you did not expect this email, ignore it.`,
  );
}

export function resetEmail(input: { to: string; link: string; expiresAt: Date }): Mail {
  return message(
    input.to,
    "Reset your Edgar password",
    ["Someone (hopefully you) asked to reset the password of this Edgar account.", "Open this link to choose a new password:"],
    { href: input.link, label: "Choose a new password" },
    `The link works once, until ${input.expiresAt.toUTCString()}. If you did not ask for it, ignore this email: your password stays as it is.`,
  );
}

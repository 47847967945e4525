/**
 * Password reset by an emailed one-time link (docs/accounts.md). Asking answers the same whether or
 * not the address has an account, so nobody learns who has one; asking is rate-limited per client
 * and per address (the same rate_limit table as sign-in). A link works once, for an hour, and
 * using it signs the account out everywhere.
 */
import { z } from "zod";
import { consume } from "@/lib/auth/login-limit";
import { emailSchema, passwordSchema, setPassword } from "@/lib/auth/users";
import { config } from "@/lib/config";
import { pool } from "@/lib/db/pool";
import { prisma } from "@/lib/db/prisma";
import { HttpError } from "@/lib/http/respond";
import { log } from "@/lib/log";
import { resetEmail } from "./emails";
import { resetLink } from "./links";
import { sendMail } from "./mailer";
import { hashToken, newToken, tokenSchema } from "./tokens";

export const RESET_MINUTES = 60;
export const RESET_LIMITS = {
  perClient: { window: 15 * 60, max: 5 },
  perAddress: { window: 60 * 60, max: 3 },
} as const;

export const resetRequestSchema = z.object({ email: emailSchema }).strict();
export const resetConfirmSchema = z.object({ token: tokenSchema, password: passwordSchema }).strict();

export const RESET_ANSWER = "If that address has an account here, a link to choose a new password is on its way. It works for an hour.";

function assertPasswordsOn(): void {
  if (!config().LOCAL_PASSWORDS) throw new HttpError(403, "local_passwords_off", "Passwords are switched off here; sign in with your organisation's account.");
}

/** Emails a reset link when the address has an enabled account; the same answer either way. */
export async function requestPasswordReset(input: z.input<typeof resetRequestSchema>, clientIp: string | null): Promise<{ message: string }> {
  assertPasswordsOn();
  const { email } = resetRequestSchema.parse(input);
  for (const [key, rule] of [
    [`reset:client:${clientIp ?? "unknown"}`, RESET_LIMITS.perClient],
    [`reset:address:${email}`, RESET_LIMITS.perAddress],
  ] as const) {
    const decision = await consume(pool(), key, rule);
    if (!decision.allowed) {
      throw new HttpError(429, "too_many_attempts", `Too many reset requests. Try again in ${decision.retryAfterSeconds} s.`, {
        "retry-after": String(decision.retryAfterSeconds),
      });
    }
  }
  const user = await prisma().user.findUnique({ where: { email }, select: { id: true, disabled: true } });
  if (user && !user.disabled) {
    const token = newToken();
    const expiresAt = new Date(Date.now() + RESET_MINUTES * 60 * 1000);
    await prisma().passwordReset.create({ data: { userId: user.id, tokenHash: hashToken(token), expiresAt } });
    const mail = await sendMail(resetEmail({ to: email, link: resetLink(token), expiresAt }));
    // Never shown to the asker (that would hand anyone the account): the operator sees why in the log.
    if (!mail.sent) log.warn({ email, reason: mail.reason }, "a password reset link could not be emailed");
  }
  return { message: RESET_ANSWER };
}

/** Sets the new password if the link is still good; every other reset link of the account dies with it. */
export async function confirmPasswordReset(input: z.input<typeof resetConfirmSchema>): Promise<{ email: string }> {
  assertPasswordsOn();
  const { token, password } = resetConfirmSchema.parse(input);
  const now = new Date();
  const db = prisma();
  const reset = await db.passwordReset.findFirst({
    where: { tokenHash: hashToken(token), usedAt: null, expiresAt: { gt: now } },
    include: { user: { select: { email: true, disabled: true } } },
  });
  const claimed = reset && !reset.user.disabled ? await db.passwordReset.updateMany({ where: { id: reset.id, usedAt: null }, data: { usedAt: now } }) : null;
  if (!reset || claimed?.count !== 1) {
    throw new HttpError(410, "reset_link_unusable", "This reset link is unknown, used or expired; ask for a new one.");
  }
  await setPassword(reset.userId, password);
  await db.passwordReset.updateMany({ where: { userId: reset.userId, usedAt: null }, data: { usedAt: now } });
  return { email: reset.user.email };
}

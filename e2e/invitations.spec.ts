// Accounts without a shell: an admin invites an expert from the console, the expert gets the email
// (read from a real SMTP server), sets a password and makes their first vetting; invitations are
// revoked; a forgotten password is reset by email. Independent of the other specs: it makes its
// own admin, and leaves no extra enabled admin behind (admin.spec checks the only one).
import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { mostRecorded } from "./helpers";
import { linkIn, nextMail } from "./mailbox";
import { PASSWORD, signIn, userCli } from "./users";

const run = randomBytes(3).toString("hex");
const ADMIN = `e2e-inviter-${run}@example.org`;
const PUBLIC_URL = `http://127.0.0.1:${process.env.E2E_PORT ?? 3210}`;

test.beforeAll(() => {
  userCli("create", "--email", ADMIN, "--password", PASSWORD, "--role", "admin", "--name", "E2E Inviter");
});
test.afterAll(() => {
  userCli("create", "--email", ADMIN, "--password", PASSWORD, "--role", "researcher");
});

async function openInvitations(page: Page) {
  await page.goto("/login?next=/admin");
  await signIn(page, ADMIN);
  await expect(page).toHaveURL(/\/admin$/);
  return page.getByRole("region", { name: "Invitations" });
}

test("an admin invites an expert, who sets a password from the email and makes a first vetting", async ({ page, browser, request }) => {
  const invitee = `e2e-invitee-${run}@example.org`;
  const panel = await openInvitations(page);
  await panel.getByLabel("Email to invite").fill(invitee);
  await panel.getByLabel("Role").selectOption("expert");
  await panel.getByRole("button", { name: "Send invitation" }).click();
  await expect(panel.getByText(`Invitation emailed to ${invitee}. The link works once, for 7 days.`)).toBeVisible();
  await expect(panel.getByRole("row").filter({ hasText: invitee })).toContainText(ADMIN);

  // The email as a mail client reads it.
  const mail = await nextMail(request, invitee);
  expect(mail.subject).toBe("You are invited to Edgar");
  expect(mail.from).toBe('"Edgar" <edgar@e2e.example>');
  expect(mail.to).toBe(invitee);
  expect(mail.messageId).toMatch(/^<.+@.+>$/);
  expect(mail.contentType).toBe("multipart/alternative");
  const link = linkIn(mail);
  expect(link).toMatch(new RegExp(`^${PUBLIC_URL}/invitation\\?token=[A-Za-z0-9_-]{43}$`));
  expect(mail.text).toContain("as an expert");
  expect(mail.html).toContain(`<a href="${link}">Accept the invitation</a>`);

  // The invitee, in a browser of their own.
  const context = await browser.newContext();
  const guest = await context.newPage();
  await guest.goto(link);
  await expect(guest.getByText(`You are invited as expert with the address ${invitee}.`)).toBeVisible();
  await guest.getByLabel("Your name").fill("Invited Expert");
  await guest.getByLabel("Password", { exact: true }).fill("invited password 1");
  await guest.getByLabel("Password again").fill("invited password 1");
  await guest.getByRole("button", { name: "Create my account" }).click();
  await expect(guest).toHaveURL(/\/vettings$/);
  await expect(guest.getByRole("heading", { name: "My vettings" })).toBeVisible();

  const species = await mostRecorded(request);
  const vetting = await guest.request.post("/api/vettings", {
    data: { speciesId: species.id, classification: "known_valid", area: { type: "Polygon", coordinates: [[[145, -38], [146, -38], [146, -37], [145, -37], [145, -38]]] } },
  });
  expect(vetting.status()).toBe(201);
  expect((await vetting.json()).author).toMatchObject({ name: "Invited Expert" });

  // Used once: the link no longer works.
  await guest.goto(link);
  await expect(guest.getByText(/unknown, used, revoked or expired/)).toBeVisible();
  await context.close();

  // The console's audit: who invited them, their last sign-in and how.
  await page.reload();
  const row = page.getByRole("region", { name: "Users" }).getByRole("row").filter({ hasText: invitee });
  await expect(row).toContainText(ADMIN);
  await expect(row).toContainText("(password)");
});

test("a pending invitation is revoked from the console, and its link stops working", async ({ page, request }) => {
  const invitee = `e2e-revoked-${run}@example.org`;
  const panel = await openInvitations(page);
  await panel.getByLabel("Email to invite").fill(invitee);
  await panel.getByRole("button", { name: "Send invitation" }).click();
  const link = linkIn(await nextMail(request, invitee));
  await panel.getByRole("button", { name: `Revoke the invitation of ${invitee}` }).click();
  await panel.getByRole("button", { name: "Revoke", exact: true }).click();
  await expect(panel.getByRole("row").filter({ hasText: invitee })).toHaveCount(0);
  await page.goto(link);
  await expect(page.getByText(/unknown, used, revoked or expired/)).toBeVisible();
  await expect(page.getByLabel("Password", { exact: true })).toHaveCount(0);
});

test("a forgotten password is reset by email; the answer is the same for an unknown address", async ({ page, request }) => {
  const email = `e2e-forgetful-${run}@example.org`;
  userCli("create", "--email", email, "--password", PASSWORD, "--role", "expert");

  await page.goto("/login");
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  // The link navigates client-side: until the reset form renders, "Email" is still the sign-in field.
  await expect(page.getByRole("button", { name: "Email me a link" })).toBeVisible();
  await page.getByLabel("Email").fill(`nobody-${run}@example.org`);
  await page.getByRole("button", { name: "Email me a link" }).click();
  const unknownAnswer = await page.getByRole("status").filter({ hasText: "If that address" }).textContent();

  await page.goto("/reset-password");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Email me a link" }).click();
  await expect(page.getByRole("status").filter({ hasText: "If that address" })).toHaveText(unknownAnswer!);

  const mail = await nextMail(request, email);
  expect(mail.subject).toBe("Reset your Edgar password");
  const link = linkIn(mail);
  expect(link.startsWith(`${PUBLIC_URL}/reset-password?token=`)).toBe(true);
  expect(mail.html).toContain(`href="${link}"`);

  await page.goto(link);
  await page.getByLabel("New password", { exact: true }).fill("the new password 1");
  await page.getByLabel("New password again").fill("the new password 1");
  await page.getByRole("button", { name: "Set the new password" }).click();
  await expect(page.getByText(`The password of ${email} is changed, and every session of it was signed out.`)).toBeVisible();

  await page.goto("/login?next=/vettings");
  await signIn(page, email, PASSWORD);
  await expect(page.getByRole("main").getByRole("alert")).toContainText(/invalid email or password/i);
  await signIn(page, email, "the new password 1");
  await expect(page).toHaveURL(/\/vettings$/);
});

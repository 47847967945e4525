import { render, screen } from "@testing-library/react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { LoginForm } from "@/app/login/login-form";
import { AcceptForm } from "@/app/invitation/accept-form";
import { RequestResetForm, ResetForm } from "@/app/reset-password/reset-forms";
import { SentNote } from "@/components/admin/invitations-panel";
import { OidcButton } from "./oidc-button";

const forms = [
  ["the sign-in form", <LoginForm key="l" next="/" />, "Sign in"],
  ["the invitation form", <AcceptForm key="a" token={"A".repeat(43)} email="a@example.org" />, "Create my account"],
  ["the reset request form", <RequestResetForm key="r" />, "Email me a link"],
  ["the new password form", <ResetForm key="n" token={"A".repeat(43)} />, "Set the new password"],
  ["the OIDC button", <OidcButton key="o" label="Continue with Test ID" next="/" errorPath="/login" />, "Continue with Test ID"],
] as const;

describe("account forms", () => {
  it.each(forms)("%s is disabled in the server's HTML and enabled once hydrated", (_name, element, label) => {
    const html = renderToString(element);
    const button = new DOMParser().parseFromString(html, "text/html").querySelector("button")!;
    expect(button.textContent).toBe(label);
    expect(button.hasAttribute("disabled")).toBe(true);
    render(element);
    expect((screen.getByRole("button", { name: label }) as HTMLButtonElement).disabled).toBe(false);
  });
});

describe("the invitation sent note", () => {
  const base = {
    id: 1,
    email: "new@example.org",
    role: "expert" as const,
    status: "pending" as const,
    invitedBy: "admin@example.org",
    createdAt: "2026-12-05T08:00:00.000Z",
    expiresAt: "2026-12-12T08:00:00.000Z",
    acceptedAt: null,
    revokedAt: null,
  };

  it("says the email went out", () => {
    render(<SentNote sent={{ ...base, emailed: true }} />);
    expect(screen.getByText(/Invitation emailed to new@example.org/).textContent).toContain("7 days");
    expect(screen.queryByRole("textbox")).toBeNull();
  });

  it("without email, shows why and the link to pass on", () => {
    const link = `https://edgar.example.org/invitation?token=${"B".repeat(43)}`;
    render(<SentNote sent={{ ...base, emailed: false, reason: "No email was sent: SMTP_URL is not set.", link }} />);
    expect(screen.getByText("No email was sent: SMTP_URL is not set.").tagName).toBe("P");
    expect((screen.getByRole("textbox", { name: "Invitation link for new@example.org" }) as HTMLInputElement).value).toBe(link);
  });
});

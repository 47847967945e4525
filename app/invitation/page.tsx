import type { Metadata } from "next";
import Link from "next/link";
import { OidcButton } from "@/components/accounts/oidc-button";
import { PageHeader } from "@/components/auth/page-header";
import { pendingInvitation } from "@/lib/accounts/invitations";
import { homeOf } from "@/lib/accounts/links";
import { oidcEnabled } from "@/lib/auth/oidc";
import { config } from "@/lib/config";
import { AcceptForm } from "./accept-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Your invitation — Edgar", referrer: "no-referrer" };

/** /invitation?token= — the emailed link: set a password, or sign in with the organisation's account. */
export default async function InvitationPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  const invitation = typeof token === "string" ? await pendingInvitation(token) : null;
  const { LOCAL_PASSWORDS, OIDC_NAME } = config();
  const oidc = oidcEnabled(config());
  return (
    <div className="min-h-dvh">
      <PageHeader menu={false} />
      <main className="mx-auto mt-12 max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="mb-2 text-xl font-semibold">Your invitation to Edgar</h1>
        {!invitation || typeof token !== "string" ? (
          <p className="text-sm">
            This invitation link is unknown, used, revoked or expired. Ask the administrator who invited you for a new one, or{" "}
            <Link href="/login" className="font-medium text-sky-800 underline">
              sign in
            </Link>{" "}
            if you have an account.
          </p>
        ) : (
          <>
            <p className="mb-4 text-sm text-slate-700">
              You are invited as <strong>{invitation.role}</strong> with the address <strong>{invitation.email}</strong>.
            </p>
            {oidc && (
              <>
                <p className="mb-2 text-sm text-slate-700">Sign in with your organisation&apos;s account under that address:</p>
                <OidcButton label={OIDC_NAME} next={homeOf(invitation.role)} errorPath="/login" />
              </>
            )}
            {oidc && LOCAL_PASSWORDS && <p className="my-4 text-center text-xs uppercase tracking-wide text-slate-500">or choose a password</p>}
            {LOCAL_PASSWORDS && <AcceptForm token={token} email={invitation.email} />}
          </>
        )}
      </main>
    </div>
  );
}

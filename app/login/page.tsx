import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { OidcButton } from "@/components/accounts/oidc-button";
import { alert } from "@/components/accounts/form-ui";
import { PageHeader } from "@/components/auth/page-header";
import { signInErrorMessage } from "@/lib/accounts/sign-in-errors";
import { sessionUser } from "@/lib/auth/current-user";
import { oidcEnabled } from "@/lib/auth/oidc";
import { safeNextPath } from "@/lib/auth/redirect";
import { config } from "@/lib/config";
import { LoginForm } from "./login-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign in — Edgar" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const next = safeNextPath(params.next);
  const user = await sessionUser(await headers());
  const { LOCAL_PASSWORDS, OIDC_NAME } = config();
  const oidc = oidcEnabled(config());
  const failed = signInErrorMessage(params.error);
  return (
    <div className="min-h-dvh">
      <PageHeader menu={false} />
      <main className="mx-auto mt-12 max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="mb-1 text-xl font-semibold">Sign in to Edgar</h1>
        {user ? (
          <p className="mt-4 text-sm">
            You are signed in as <strong>{user.email}</strong> ({user.role}).{" "}
            <Link href={next} className="font-medium text-sky-800 underline">
              Continue
            </Link>
          </p>
        ) : (
          <>
            <p className="mb-4 text-sm text-slate-600">Experts sign in to vet records. Anyone may browse the map without an account.</p>
            {failed && (
              <p role="alert" className={`${alert} mb-4`}>
                {failed}
              </p>
            )}
            {oidc && <OidcButton label={OIDC_NAME} next={next} errorPath={`/login?next=${encodeURIComponent(next)}`} />}
            {oidc && LOCAL_PASSWORDS && <p className="my-4 text-center text-xs uppercase tracking-wide text-slate-500">or with a password</p>}
            {LOCAL_PASSWORDS && (
              <>
                <LoginForm next={next} />
                <p className="mt-4 text-sm">
                  <Link href="/reset-password" className="font-medium text-sky-800 underline">
                    Forgot your password?
                  </Link>
                </p>
              </>
            )}
          </>
        )}
      </main>
    </div>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/auth/page-header";
import { config } from "@/lib/config";
import { RequestResetForm, ResetForm } from "./reset-forms";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Reset your password — Edgar", referrer: "no-referrer" };

/** /reset-password asks for a link; /reset-password?token= (the emailed link) sets the new password. */
export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  return (
    <div className="min-h-dvh">
      <PageHeader menu={false} />
      <main className="mx-auto mt-12 max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="mb-2 text-xl font-semibold">Reset your password</h1>
        {!config().LOCAL_PASSWORDS ? (
          <p className="text-sm">
            Passwords are switched off here.{" "}
            <Link href="/login" className="font-medium text-sky-800 underline">
              Sign in
            </Link>{" "}
            with your organisation&apos;s account.
          </p>
        ) : typeof token === "string" ? (
          <ResetForm token={token} />
        ) : (
          <RequestResetForm />
        )}
      </main>
    </div>
  );
}

import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { PageHeader } from "@/components/auth/page-header";
import { sessionUser } from "@/lib/auth/current-user";
import { safeNextPath } from "@/lib/auth/redirect";
import { LoginForm } from "./login-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign in — Edgar" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const next = safeNextPath((await searchParams).next);
  const user = await sessionUser(await headers());
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
            <LoginForm next={next} />
          </>
        )}
      </main>
    </div>
  );
}

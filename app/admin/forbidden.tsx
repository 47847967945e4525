import Link from "next/link";
import { PageHeader } from "@/components/auth/page-header";

/** What a signed-in researcher or expert sees at /admin (with status 403): no part of the console. */
export default function AdminForbidden() {
  return (
    <div className="min-h-dvh">
      <PageHeader />
      <main className="mx-auto mt-12 max-w-lg rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="mb-2 text-xl font-semibold">Admins only</h1>
        <p className="text-sm text-slate-700">
          The admin console is for administrators, and this account is not one. An administrator can change an account&apos;s role.{" "}
          <Link href="/" className="font-medium text-sky-800 underline">
            Back to the map
          </Link>
        </p>
      </main>
    </div>
  );
}

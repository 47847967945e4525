import type { Metadata } from "next";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { AdminConsole } from "@/components/admin/admin-console";
import { PageHeader } from "@/components/auth/page-header";
import { sessionUser } from "@/lib/auth/current-user";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Admin — Edgar" };

/** /admin: the admin console. Anonymous visitors sign in first; other roles get a 403 and nothing of the console. */
export default async function AdminPage() {
  const user = await sessionUser(await headers());
  if (!user) redirect("/login?next=/admin");
  if (user.role !== "admin") forbidden();
  return (
    <div className="min-h-dvh">
      <PageHeader />
      <main className="mx-auto max-w-7xl p-4">
        <h1 className="mb-4 text-xl font-semibold">Admin</h1>
        <AdminConsole meId={user.id} />
      </main>
    </div>
  );
}

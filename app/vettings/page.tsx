import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { redirect } from "next/navigation";
import { PageHeader } from "@/components/auth/page-header";
import { sessionUser } from "@/lib/auth/current-user";
import { VETTING_ROLES } from "@/lib/auth/roles";
import { listAuthorVettings } from "@/lib/vetting/vettings";
import { MyVettings } from "./my-vettings";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "My vettings — Edgar" };

/** /vettings: the signed-in expert's own vettings, to edit or delete. */
export default async function VettingsPage() {
  const user = await sessionUser(await headers());
  if (!user) redirect("/login?next=/vettings");
  const mayVet = VETTING_ROLES.includes(user.role);
  return (
    <div className="min-h-dvh">
      <PageHeader />
      <main className="mx-auto max-w-5xl p-4">
        <h1 className="mb-4 text-xl font-semibold">My vettings</h1>
        {mayVet ? (
          <MyVettings initial={await listAuthorVettings(user.id)} />
        ) : (
          <p role="note" className="rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
            Vetting is for experts only. Your account ({user.email}) is a researcher account; an administrator can make it an expert
            account. You can still <Link href="/" className="font-medium underline">browse the map</Link> and download records.
          </p>
        )}
      </main>
    </div>
  );
}

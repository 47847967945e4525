import Link from "next/link";
import type { ReactNode } from "react";
import { PageHeader } from "./page-header";

/** A page that only says something (not found, not allowed), with the way back to the map. */
export function MessagePage({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="min-h-dvh">
      <PageHeader />
      <main className="mx-auto mt-12 max-w-lg rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="mb-2 text-xl font-semibold">{title}</h1>
        <p className="text-sm text-slate-700">
          {children}{" "}
          <Link href="/" className="font-medium text-sky-800 underline">
            Back to the map
          </Link>
        </p>
      </main>
    </div>
  );
}

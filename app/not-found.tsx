import Link from "next/link";
import { PageHeader } from "@/components/auth/page-header";

/** Any unknown address: said plainly, in the app's own frame (Next's default page needs inline styles the CSP refuses). */
export default function NotFound() {
  return (
    <div className="min-h-dvh">
      <PageHeader />
      <main className="mx-auto mt-12 max-w-lg rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="mb-2 text-xl font-semibold">Page not found</h1>
        <p className="text-sm text-slate-700">
          There is nothing at this address.{" "}
          <Link href="/" className="font-medium text-sky-800 underline">
            Back to the map
          </Link>
        </p>
      </main>
    </div>
  );
}

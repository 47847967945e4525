import Link from "next/link";
import { AccountMenu } from "./account-menu";

/** The top bar of the account pages (/login, /vettings): the way back to the map, and the account menu. */
export function PageHeader({ menu = true }: { menu?: boolean }) {
  return (
    <header className="flex items-center justify-between border-b border-slate-200 bg-white px-4 py-2">
      <Link href="/" className="rounded text-lg font-semibold text-slate-900 focus-visible:outline-2 focus-visible:outline-sky-700">
        Edgar <span className="sr-only">— back to the map</span>
      </Link>
      {menu && <AccountMenu />}
    </header>
  );
}

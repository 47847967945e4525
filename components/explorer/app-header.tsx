import type { ReactNode } from "react";

/** The top bar: name, species search, and room on the right for the account menu. */
export function AppHeader({ search, account }: { search: ReactNode; account?: ReactNode }) {
  return (
    <header className="relative z-30 flex items-center gap-3 border-b border-slate-200 bg-white px-3 py-2 shadow-sm">
      <a href="/" className="shrink-0 text-lg font-bold tracking-tight text-slate-900">
        Edgar
      </a>
      <div className="min-w-0 max-w-xl flex-1">{search}</div>
      <div className="ml-auto flex shrink-0 items-center" data-testid="account-slot">
        {account}
      </div>
    </header>
  );
}

/** The look of the account forms (sign in, invitation, reset): one place for their classes. */
export const field =
  "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus-visible:border-sky-700 focus-visible:outline-2 focus-visible:outline-sky-700 aria-[invalid=true]:border-red-600";
export const label = "block text-sm font-medium text-slate-800";
export const submit =
  "w-full rounded-md bg-sky-800 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-sky-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-700 disabled:opacity-60";
export const secondary =
  "w-full rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 shadow-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-700 disabled:opacity-60";
export const alert = "rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800";
export const notice = "rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900";

"use client";

import { canVet, useCurrentUser } from "@/components/auth/use-current-user";
import { CATEGORY_COLOURS, CATEGORY_LABELS } from "@/lib/domain/colours";
import { requestVettingEdit } from "./edit-request";
import { formatDate } from "./outline-tooltip";
import { useVettings } from "./use-vettings";

const heading = "text-xs font-semibold uppercase tracking-wide text-slate-500";

/** A line as the map draws an outline: solid for the signed-in expert's own, dashed for others'. */
function LineSwatch({ colour, dashed }: { colour: string; dashed: boolean }) {
  return <span aria-hidden="true" className="inline-block w-6 shrink-0" style={{ borderTop: `3px ${dashed ? "dashed" : "solid"} ${colour}` }} />;
}

/**
 * The panel's legend for vetted areas and the list of them, in text (what hovering an outline
 * tells, for keyboards and screen readers), with Edit on the signed-in expert's own.
 */
export function VettingList({ speciesId, vettingsVersion }: { speciesId: number; vettingsVersion: string }) {
  const user = useCurrentUser().data;
  const vettings = useVettings(speciesId, vettingsVersion);
  const list = vettings.data ?? [];
  const editable = (authorId: string) => !!user && canVet(user) && (authorId === user.id || user.role === "admin");

  return (
    <section aria-labelledby="vetted-areas" data-testid="vetting-list" data-count={vettings.data?.length ?? ""}>
      <h3 id="vetted-areas" className={`${heading} mb-1`}>
        Vetted areas
      </h3>
      <ul className="mb-2 grid gap-1 text-xs text-slate-600" aria-label="Outline legend">
        {user && (
          <li className="flex items-center gap-2">
            <LineSwatch colour="#334155" dashed={false} /> Your vettings
          </li>
        )}
        <li className="flex items-center gap-2">
          <LineSwatch colour="#334155" dashed /> {user ? "Other experts’ vettings" : "Experts’ vettings"}
        </li>
        <li className="flex items-center gap-2">
          <LineSwatch colour={CATEGORY_COLOURS.known_valid} dashed={false} /> known valid
          <LineSwatch colour={CATEGORY_COLOURS.known_invalid} dashed={false} /> known invalid
        </li>
      </ul>
      {vettings.isError ? (
        <p className="text-sm text-red-700">The vettings could not be loaded: {vettings.error.message}</p>
      ) : list.length === 0 ? (
        <p className="text-sm text-slate-600">{vettings.data ? "No expert has vetted this species yet." : "…"}</p>
      ) : (
        <ul className="grid gap-1 text-sm">
          {list.map((v) => {
            const mine = v.author.id === user?.id;
            return (
              <li key={v.id} className="flex items-center gap-2" data-testid="vetting-item" data-vetting-id={v.id} data-mine={mine}>
                <LineSwatch colour={CATEGORY_COLOURS[v.classification]} dashed={!mine} />
                <span className="min-w-0 flex-1">
                  {CATEGORY_LABELS[v.classification]} — {mine ? "you" : v.author.name},{" "}
                  <time dateTime={v.updatedAt} suppressHydrationWarning>
                    {formatDate(v.updatedAt)}
                  </time>
                  {v.comment && <span className="block truncate text-xs text-slate-600" title={v.comment}>{v.comment}</span>}
                </span>
                {editable(v.author.id) && (
                  <button
                    type="button"
                    onClick={() => requestVettingEdit(v.id)}
                    className="rounded border border-slate-300 px-2 py-0.5 text-xs font-medium text-sky-800 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-sky-700"
                    aria-label={`Edit the ${CATEGORY_LABELS[v.classification].toLowerCase()} vetting of ${formatDate(v.updatedAt)} on the map`}
                  >
                    Edit
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

"use client";

import Link from "next/link";
import { useState } from "react";
import { requestJson } from "@/components/auth/request";
import { useAction } from "@/components/use-action";
import type { VettingClassification, VettingDetail } from "@/lib/vetting/vettings";

const LABEL: Record<VettingClassification, string> = { known_valid: "Known valid", known_invalid: "Known invalid" };
const button =
  "rounded-md border border-slate-300 bg-white px-2.5 py-1 text-sm font-medium text-slate-800 shadow-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-sky-700 disabled:opacity-50";
const danger =
  "rounded-md bg-red-700 px-2.5 py-1 text-sm font-semibold text-white shadow-sm hover:bg-red-800 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-red-700 disabled:opacity-50";

const dateTime = (iso: string) => new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));

/** When a browser's time zone differs from the server's, the client's rendering wins quietly. */
function When({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} suppressHydrationWarning>
      {dateTime(iso)}
    </time>
  );
}

type Mode = { kind: "view" } | { kind: "edit" } | { kind: "confirm-delete" };

export function MyVettings({ initial }: { initial: VettingDetail[] }) {
  const [vettings, setVettings] = useState(initial);
  const [announcement, setAnnouncement] = useState("");

  if (vettings.length === 0) {
    return (
      <>
        <p className="rounded-md border border-slate-200 bg-white px-4 py-6 text-center text-sm text-slate-600">
          You have no vettings yet. Open a species on the <Link href="/" className="font-medium text-sky-800 underline">map</Link> and draw
          an area to mark its records known valid or known invalid.
        </p>
        <p role="status" className="sr-only">
          {announcement}
        </p>
      </>
    );
  }
  return (
    <>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">My vettings, most recently changed first</caption>
          <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="px-3 py-2">Species</th>
              <th scope="col" className="px-3 py-2">Classification</th>
              <th scope="col" className="px-3 py-2">Comment</th>
              <th scope="col" className="px-3 py-2">Created</th>
              <th scope="col" className="px-3 py-2">Changed</th>
              <th scope="col" className="px-3 py-2"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {vettings.map((v) => (
              <VettingRow
                key={v.id}
                vetting={v}
                onSaved={(saved) => {
                  setVettings((all) => all.map((x) => (x.id === saved.id ? saved : x)));
                  setAnnouncement(`Vetting of ${saved.species.scientificName} saved.`);
                }}
                onDeleted={() => {
                  setVettings((all) => all.filter((x) => x.id !== v.id));
                  setAnnouncement(`Vetting of ${v.species.scientificName} deleted.`);
                }}
              />
            ))}
          </tbody>
        </table>
      </div>
      <p role="status" className="sr-only">
        {announcement}
      </p>
    </>
  );
}

function VettingRow({ vetting, onSaved, onDeleted }: { vetting: VettingDetail; onSaved: (v: VettingDetail) => void; onDeleted: () => void }) {
  const [mode, setMode] = useState<Mode>({ kind: "view" });
  const [classification, setClassification] = useState(vetting.classification);
  const [comment, setComment] = useState(vetting.comment ?? "");
  const { busy, error, setError, run } = useAction();
  const { species } = vetting;

  const save = () =>
    run(async () => {
      onSaved(await requestJson<VettingDetail>("PATCH", `/api/vettings/${vetting.id}`, { classification, comment }));
      setMode({ kind: "view" });
    });
  const remove = () =>
    run(async () => {
      await requestJson("DELETE", `/api/vettings/${vetting.id}`);
      onDeleted();
    });
  const cancel = () => {
    setClassification(vetting.classification);
    setComment(vetting.comment ?? "");
    setError(null);
    setMode({ kind: "view" });
  };

  return (
    <tr className="align-top">
      <td className="px-3 py-2">
        <Link href={`/species/${species.id}`} className="font-medium italic text-sky-800 underline">
          {species.scientificName}
        </Link>
        {species.commonName && <div className="text-xs text-slate-600">{species.commonName}</div>}
        {species.status !== "active" && (
          <div className="mt-1 text-xs text-amber-800">
            This species is {species.status} in the source, so this vetting no longer applies to any records.
          </div>
        )}
      </td>
      <td className="px-3 py-2">
        {mode.kind === "edit" ? (
          <select
            aria-label={`Classification of the vetting of ${species.scientificName}`}
            value={classification}
            onChange={(e) => setClassification(e.target.value as VettingClassification)}
            className="rounded-md border border-slate-300 px-2 py-1 text-sm"
          >
            <option value="known_valid">{LABEL.known_valid}</option>
            <option value="known_invalid">{LABEL.known_invalid}</option>
          </select>
        ) : (
          LABEL[vetting.classification]
        )}
      </td>
      <td className="max-w-xs px-3 py-2">
        {mode.kind === "edit" ? (
          <textarea
            aria-label={`Comment on the vetting of ${species.scientificName}`}
            value={comment}
            maxLength={2000}
            rows={2}
            onChange={(e) => setComment(e.target.value)}
            className="w-full rounded-md border border-slate-300 px-2 py-1 text-sm"
          />
        ) : (
          <span className="whitespace-pre-wrap break-words text-slate-700">{vetting.comment ?? <span className="text-slate-400">—</span>}</span>
        )}
      </td>
      <td className="whitespace-nowrap px-3 py-2 text-slate-600">
        <When iso={vetting.createdAt} />
      </td>
      <td className="whitespace-nowrap px-3 py-2 text-slate-600">
        <When iso={vetting.updatedAt} />
        {vetting.alaPush && <AlaPush push={vetting.alaPush} />}
      </td>
      <td className="px-3 py-2">
        <div className="flex flex-wrap justify-end gap-2">
          {mode.kind === "view" && (
            <>
              <button type="button" className={button} onClick={() => setMode({ kind: "edit" })} aria-label={`Edit vetting of ${species.scientificName}`}>
                Edit
              </button>
              <Link href={`/species/${species.id}?vetting=${vetting.id}`} className={button} aria-label={`Edit the area of the vetting of ${species.scientificName} on the map`}>
                Edit area
              </Link>
              <button type="button" className={button} onClick={() => setMode({ kind: "confirm-delete" })} aria-label={`Delete vetting of ${species.scientificName}`}>
                Delete
              </button>
            </>
          )}
          {mode.kind === "edit" && (
            <>
              <button type="button" className={button} onClick={save} disabled={busy}>
                {busy ? "Saving…" : "Save"}
              </button>
              <button type="button" className={button} onClick={cancel} disabled={busy}>
                Cancel
              </button>
            </>
          )}
          {mode.kind === "confirm-delete" && (
            <div role="group" aria-label="Confirm deletion" className="flex flex-wrap items-center justify-end gap-2">
              <span className="text-sm text-slate-700">Delete for good?</span>
              <button type="button" className={danger} onClick={remove} disabled={busy} autoFocus>
                {busy ? "Deleting…" : "Delete"}
              </button>
              <button type="button" className={button} onClick={cancel} disabled={busy}>
                Keep
              </button>
            </div>
          )}
        </div>
        {error && (
          <p role="alert" className="mt-1 text-right text-xs text-red-700">
            {error}
          </p>
        )}
      </td>
    </tr>
  );
}

/** Whether the ALA's vetting service has this version of the vetting (docs/vetting.md). */
function AlaPush({ push }: { push: NonNullable<VettingDetail["alaPush"]> }) {
  if (push.state === "refused") {
    return (
      <div className="mt-1 whitespace-normal text-xs text-red-800" data-testid="ala-push">
        Refused by the ALA: {push.reason}
      </div>
    );
  }
  return (
    <div className="mt-1 text-xs" data-testid="ala-push">
      {push.state === "sent" ? "Sent to the ALA" : "Waiting to be sent to the ALA"}
    </div>
  );
}

"use client";

import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import type { Polygon } from "geojson";
import { CATEGORY_COLOURS, CATEGORY_LABELS } from "@/lib/domain/colours";
import { parseCorners } from "@/lib/geometry/corners";
import type { DrawMode, DrawState } from "./draw-controller";
import { RANGE_QUALIFIERS, type RangeQualifier } from "@/lib/domain/codes";
import type { VettingClassification } from "./use-vettings";

const MAX_COMMENT = 2_000;
const CHOICES: readonly VettingClassification[] = ["known_valid", "known_invalid"];

export const button =
  "rounded-md border border-slate-300 bg-white px-2.5 py-1 text-sm font-medium text-slate-800 shadow-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-sky-700 disabled:opacity-50";
/** A tool button: pressed while its tool is on. */
const tool = `${button} aria-pressed:border-sky-700 aria-pressed:bg-sky-50 aria-pressed:text-sky-900`;
const primary =
  "rounded-md bg-sky-800 px-3 py-1.5 text-sm font-semibold text-white shadow-sm hover:bg-sky-900 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-sky-700 disabled:opacity-50";
const danger =
  "rounded-md bg-red-700 px-2.5 py-1 text-sm font-semibold text-white shadow-sm hover:bg-red-800 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-red-700 disabled:opacity-50";

export interface VettingFormValues {
  classification: VettingClassification;
  /** Only sent for known valid; null clears it. */
  rangeQualifier: RangeQualifier | null;
  comment: string;
}

interface Props {
  /** The vetting being changed (null: a new one). */
  editing: { id: number; author: string } | null;
  initial: { classification: VettingClassification | null; rangeQualifier: RangeQualifier | null; comment: string };
  /** False when the area cannot be edited on the map (it has holes): only classification and comment change. */
  areaEditable: boolean;
  /** The drawing tools' state; null while they load. */
  draw: DrawState | null;
  busy: boolean;
  /** The server's answer to a failed request. */
  error: string | null;
  /** Something to know before saving (the area covers no records); "Submit anyway" goes ahead. */
  warning: string | null;
  onMode: (mode: DrawMode) => void;
  onClear: () => void;
  /** Puts a typed polygon on the map beside the drawn ones; false if the map refused it. */
  onCorners: (polygon: Polygon) => boolean;
  /** `anyway`: the expert has read the warning and saves regardless. */
  onSubmit: (values: VettingFormValues, anyway: boolean) => void;
  onCancel: () => void;
  onDelete: () => void;
}

/**
 * How the panel shows itself: "auto" folds it to its title bar while a polygon is being drawn,
 * so the map under it can take corners; the toggle opens or folds it for good.
 */
type Fold = "auto" | "open" | "folded";

/** The vetting panel over the map: drawing tools, classification, comment, submit (and delete when editing). */
export function VettingForm({ editing, initial, areaEditable, draw, busy, error, warning, onMode, onClear, onCorners, onSubmit, onCancel, onDelete }: Props) {
  const ids = useId();
  const [classification, setClassification] = useState(initial.classification);
  const [rangeQualifier, setRangeQualifier] = useState(initial.rangeQualifier);
  const [comment, setComment] = useState(initial.comment);
  const [problem, setProblem] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [corners, setCorners] = useState("");
  const [fold, setFold] = useState<Fold>("auto");
  const drawing = draw?.drawing === true;
  const folded = fold === "folded" || (fold === "auto" && drawing);
  // Opened by hand while drawing: back to folding by itself once that polygon is done.
  useEffect(() => {
    if (!drawing) setFold((f) => (f === "open" ? "auto" : f));
  }, [drawing]);
  // A new or removed polygon makes the last complaint about the drawing stale.
  useEffect(() => setProblem(null), [draw?.polygons]);
  const confirmButton = useRef<HTMLButtonElement>(null);
  // The question takes the focus, so the keyboard answers it next.
  useEffect(() => {
    if (confirmDelete) confirmButton.current?.focus();
  }, [confirmDelete]);

  const submit = (anyway: boolean) => {
    if (areaEditable && !draw?.polygons) return setProblem("Draw at least one polygon on the map, and close it.");
    if (!classification) return setProblem("Choose known valid or known invalid.");
    setProblem(null);
    onSubmit({ classification, rangeQualifier: classification === "known_valid" ? rangeQualifier : null, comment }, anyway);
  };

  /** Typed corners get the API's own area rules here, so a crossing or tiny polygon is told at once. */
  const addCorners = async () => {
    const typed = parseCorners(corners);
    if ("error" in typed) return setProblem(typed.error);
    const { validateArea, GeometryError } = await import("@/lib/geometry/validate");
    try {
      validateArea(typed.polygon);
    } catch (err) {
      if (err instanceof GeometryError) return setProblem(`This polygon cannot be a vetting area: ${err.message}.`);
      throw err;
    }
    if (!onCorners(typed.polygon)) return setProblem("The map could not take this polygon: check that its sides do not cross.");
    setCorners("");
    setProblem(null);
  };

  const clear = () => {
    setProblem(null);
    onClear();
  };

  const message = problem ?? error;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        submit(false);
      }}
      aria-labelledby={`${ids}-title`}
      data-testid="vetting-form"
      data-folded={folded}
      className={`grid max-w-[calc(100vw-1.5rem)] gap-3 rounded-lg border border-slate-200 bg-white text-sm shadow-lg ${folded ? "w-auto p-2" : "w-80 p-3"}`}
    >
      <div className="flex items-center gap-2">
        <h2 id={`${ids}-title`} className="font-semibold">
          {editing ? `Edit vetting ${editing.id}` : "Vet an area"}
        </h2>
        <button
          type="button"
          className={`${button} ml-auto px-2 py-0.5 text-xs`}
          aria-expanded={!folded}
          aria-controls={`${ids}-body`}
          onClick={() => setFold(folded ? "open" : "folded")}
        >
          {folded ? "Show the panel" : "Hide the panel"}
        </button>
      </div>
      {folded && (
        <p className="max-w-56 text-xs text-slate-600" data-testid="vetting-folded-status">
          {drawing ? "Drawing: click the first corner or press Enter to close the polygon." : `${draw?.polygons ?? 0} polygon${draw?.polygons === 1 ? "" : "s"} drawn.`}
        </p>
      )}
      <div id={`${ids}-body`} hidden={folded} className="grid gap-3">
        {editing && <p className="-mt-2 text-xs text-slate-600">By {editing.author}</p>}

        {areaEditable ? (
          <fieldset className="grid gap-2">
            <legend className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Area</legend>
            <div role="group" aria-label="Drawing tools" className="flex flex-wrap gap-2">
              <button type="button" className={tool} aria-pressed={draw?.mode === "draw"} disabled={!draw} onClick={() => onMode("draw")}>
                Draw polygon
              </button>
              <button type="button" className={tool} aria-pressed={draw?.mode === "edit"} disabled={!draw} onClick={() => onMode("edit")}>
                Edit vertices
              </button>
              <button type="button" className={button} disabled={!draw || (draw.polygons === 0 && !draw.drawing)} onClick={clear}>
                Clear
              </button>
            </div>
            <p className="text-xs text-slate-600" id={`${ids}-help`}>
              {draw?.mode === "edit"
                ? "Click a polygon to select it, then drag its corners; drag a midpoint to add a corner."
                : "Click the map to add corners; click the first or last corner (or press Enter on the map) to close the polygon. Escape drops an unfinished one. Draw more polygons to add to the area."}
            </p>
            <details className="text-xs">
              <summary className="cursor-pointer font-medium text-slate-700">Type the corners instead</summary>
              <div className="mt-2 grid gap-1.5">
                <label htmlFor={`${ids}-corners`} className="text-slate-600">
                  One corner per line: longitude, then latitude (e.g. 134.5 -25.2).
                </label>
                <textarea
                  id={`${ids}-corners`}
                  value={corners}
                  rows={4}
                  spellCheck={false}
                  onChange={(e) => setCorners(e.target.value)}
                  className="rounded-md border border-slate-300 px-2 py-1 font-mono text-xs"
                />
                <button type="button" className={`${button} justify-self-start`} disabled={!draw || !corners.trim()} onClick={addCorners}>
                  Add polygon
                </button>
              </div>
            </details>
            <p className="text-xs font-medium text-slate-800" role="status" data-testid="polygon-count" data-count={draw?.polygons ?? 0}>
              {draw === null ? "Loading the drawing tools…" : `${draw.polygons} polygon${draw.polygons === 1 ? "" : "s"} drawn${draw.drawing ? ", one in progress" : ""}`}
            </p>
          </fieldset>
        ) : (
          <p className="rounded-md bg-amber-50 px-2 py-1.5 text-xs text-amber-900">
            This area has holes, which the map cannot edit. Its classification and comment can still be changed.
          </p>
        )}

        <fieldset>
          <legend className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">The records inside are</legend>
          <div className="grid gap-1" role="radiogroup" aria-required="true">
            {CHOICES.map((c) => (
              <label key={c} className="flex items-center gap-2">
                <input type="radio" name={`${ids}-classification`} value={c} checked={classification === c} onChange={() => setClassification(c)} />
                <span aria-hidden="true" className="inline-block h-3 w-3 rounded-full" style={{ background: CATEGORY_COLOURS[c] }} />
                {CATEGORY_LABELS[c].toLowerCase()}
              </label>
            ))}
          </div>
        </fieldset>

        {classification === "known_valid" && (
          <label className="grid gap-1">
            <span className="text-xs font-semibold uppercase tracking-wide text-slate-500">Range (optional)</span>
            <select
              value={rangeQualifier ?? ""}
              onChange={(e) => setRangeQualifier((e.target.value || null) as RangeQualifier | null)}
              className="rounded-md border border-slate-300 px-2 py-1 text-sm"
            >
              <option value="">not stated</option>
              {RANGE_QUALIFIERS.map((q) => (
                <option key={q} value={q}>
                  {q}
                </option>
              ))}
            </select>
          </label>
        )}

        <label className="grid gap-1">
          <span className="text-xs font-semibold uppercase tracking-wide text-slate-500">Comment (optional)</span>
          <textarea
            value={comment}
            maxLength={MAX_COMMENT}
            rows={2}
            onChange={(e) => setComment(e.target.value)}
            className="rounded-md border border-slate-300 px-2 py-1 text-sm"
          />
        </label>

        {message && (
          <p role="alert" className="rounded-md bg-red-50 px-2 py-1.5 text-sm text-red-800" data-testid="vetting-error">
            {message}
          </p>
        )}
        {warning && !message && (
          <div role="alert" className="grid gap-2 rounded-md bg-amber-50 px-2 py-1.5 text-sm text-amber-900" data-testid="vetting-warning">
            <p>{warning}</p>
            <button type="button" className={`${button} justify-self-start`} onClick={() => submit(true)} disabled={busy}>
              Submit anyway
            </button>
          </div>
        )}

        {confirmDelete ? (
          <div role="group" aria-label="Confirm deletion" className="flex flex-wrap items-center gap-2">
            <span className="text-slate-700">Delete this vetting for good?</span>
            <button ref={confirmButton} type="button" className={danger} onClick={onDelete} disabled={busy}>
              {busy ? "Deleting…" : "Delete"}
            </button>
            <button type="button" className={button} onClick={() => setConfirmDelete(false)} disabled={busy}>
              Keep
            </button>
          </div>
        ) : (
          <div className="flex flex-wrap items-center gap-2">
            <button type="submit" className={primary} disabled={busy || draw?.drawing}>
              {busy ? "Saving…" : editing ? "Save changes" : "Submit vetting"}
            </button>
            <button type="button" className={button} onClick={onCancel} disabled={busy}>
              Cancel
            </button>
            {editing && (
              <button type="button" className={`${button} ml-auto text-red-800`} onClick={() => setConfirmDelete(true)} disabled={busy}>
                Delete…
              </button>
            )}
          </div>
        )}
      </div>
    </form>
  );
}

/**
 * Sync progress and outcomes as short human sentences: what `npm run sync` prints (as plain
 * lines when its output is not a terminal, beside the progress bar when it is).
 */
import type { RetryInfo } from "@/lib/ala/client";
import type { ProgressSnapshot } from "./progress";
import type { SyncResult } from "./run";
import type { CountWarning } from "./runs";

const PHASES: Record<string, { label: string; unit: string }> = {
  species: { label: "listing bird species", unit: "" },
  fetch: { label: "fetching records", unit: "records" },
  deleted: { label: "reading deleted records", unit: "" },
  reconcile: { label: "comparing counts", unit: "species" },
  stats: { label: "updating species counts", unit: "" },
  images: { label: "image metadata", unit: "" },
};

const number = (n: number) => n.toLocaleString("en-AU");

export function phaseLabel(phase: string): string {
  return PHASES[phase]?.label ?? phase;
}

/** `fetching records: 1,200 / 3,000 records (40%) · added 1,200 · updated 0 · deleted 0 · skipped 12` */
export function progressLine(p: ProgressSnapshot): string {
  const unit = PHASES[p.phase]?.unit ?? "";
  const share = p.total > 0 ? ` (${Math.min(100, Math.floor((100 * p.done) / p.total))}%)` : "";
  const amount = p.total > 0 ? `: ${number(p.done)} / ${number(p.total)}${unit ? ` ${unit}` : ""}${share}` : "";
  return `${phaseLabel(p.phase)}${amount}${p.message ? ` · ${p.message}` : ""} · ${countsText(p)}`;
}

export function countsText(c: { added: number; updated: number; deleted: number; skipped: number }): string {
  return `added ${number(c.added)} · updated ${number(c.updated)} · deleted ${number(c.deleted)} · skipped ${number(c.skipped)}`;
}

export function retryLine(r: RetryInfo): string {
  const wait = r.delayMs >= 1000 ? `${Math.round(r.delayMs / 100) / 10} s` : `${r.delayMs} ms`;
  return `ALA request failed (${r.reason}), attempt ${r.attempt}; retrying in ${wait}: ${r.url}`;
}

/** The closing lines of a run: how it ended, its counts, and what to do next. */
export function summaryLines(result: SyncResult, elapsedMs: number): string[] {
  const run = result.run;
  const took = `${Math.round(elapsedMs / 100) / 10} s`;
  const lines: string[] = [];
  if (result.resumed) lines.push(`Finished interrupted sync run ${result.runId} first (the options given apply to the next run).`);
  if (result.status === "succeeded") {
    lines.push(`Sync run ${result.runId} (${result.kind}) succeeded in ${took}.`);
  } else if (result.status === "stopped") {
    lines.push(`Sync run ${result.runId} stopped at a safe point; the next sync (or the worker) resumes it.`);
  } else {
    lines.push(`Sync run ${result.runId} (${result.kind}) failed after ${took}: ${result.error ?? "unknown error"}`);
  }
  if (run) {
    lines.push(countsText(run.counts));
    const reasons = Object.entries(run.skippedByReason);
    if (reasons.length) lines.push(`skipped by reason: ${reasons.map(([k, n]) => `${k} ${number(n)}`).join(", ")}`);
    if (run.remoteTotal !== null && run.localTotal !== null) {
      lines.push(`records: ${number(run.localTotal)} local, ${number(run.remoteTotal)} at the source`);
    }
    for (const w of run.warnings.slice(0, 10)) lines.push(warningLine(w));
    if (run.warnings.length > 10) lines.push(`…and ${run.warnings.length - 10} more species in the run's report (/admin)`);
  }
  if (result.status === "failed") lines.push("The last import time was not moved: the next run fetches everything this one missed.");
  return lines;
}

/** `count check: Australian Magpie (urn:…): 2,932 at the source, 935 local` */
export function warningLine(w: CountWarning): string {
  const who = `${w.name ?? w.guid} (${w.guid})`;
  if (w.reason === "malformed") return `count check: ${who}: ${number(w.malformed)} of ${number(w.remote)} records at the source could not be read`;
  return `count check: ${who}: ${number(w.remote)} at the source, ${number(w.local)} local${w.malformed ? `, ${number(w.malformed)} unreadable` : ""}`;
}

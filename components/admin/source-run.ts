/**
 * A source's last run in words, for the Sources panel: a GBIF run waiting for its download (its
 * key, GBIF's status, how long since it was asked for), waiting for the sync lock, importing, or
 * its outcome. Pure, so the panel and its test share it.
 */
import type { SourceRunView } from "@/lib/sources/registry";
import type { Wire } from "./api";
import { formatDuration } from "./format";

type Run = Wire<SourceRunView>;

export function describeSourceRun(run: Run, now: number): string {
  const d = run.download;
  const waited = d?.requestedAt ? `, asked for ${formatDuration(now - Date.parse(d.requestedAt))} ago` : "";
  if (run.interrupted) {
    return d ? `interrupted while ${run.status === "waiting" ? "waiting for" : "importing"} GBIF download ${d.key} (its process stopped); the next run picks it up` : "interrupted (its process stopped)";
  }
  if (run.status === "waiting") {
    if (!d) return "waiting: asking GBIF for a download";
    if (d.status === "SUCCEEDED") return `GBIF download ${d.key} is ready; waiting for the sync under way to finish`;
    return `waiting for GBIF: download ${d.key} is ${d.status ?? "requested"}${waited}`;
  }
  if (run.status === "running") {
    if (d && d.status !== "SUCCEEDED") return `importing; waiting for GBIF: download ${d.key} is ${d.status ?? "requested"}${waited}`;
    return d ? `importing GBIF download ${d.key}` : "importing";
  }
  const counts = run.status === "succeeded" ? ` · +${run.added} ~${run.updated} −${run.deleted}, ${run.skipped} skipped` : "";
  return `${run.status}${counts}`;
}

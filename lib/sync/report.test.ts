import { describe, expect, it } from "vitest";
import { progressLine, retryLine, summaryLines } from "./report";
import type { SyncResult } from "./run";
import type { SyncRun } from "./runs";

const snapshot = { phase: "fetch", done: 1234, total: 5000, added: 1200, updated: 3, deleted: 0, skipped: 31, skippedByReason: { basisOfRecord: 31 }, remoteTotal: null, localTotal: null, message: null };

function result(over: Partial<SyncResult>, run: Partial<SyncRun> = {}): SyncResult {
  return {
    runId: 7,
    kind: "incremental",
    status: "succeeded",
    resumed: false,
    error: null,
    run: {
      id: 7, kind: "incremental", status: "succeeded", startedAt: null, finishedAt: null, since: null,
      progress: { phase: "done", done: 0, total: 0, message: null }, counts: { added: 5, updated: 1200, deleted: 2, skipped: 3 },
      remoteTotal: 1_234_567, localTotal: 1_234_567, error: null, trigger: "cli", queuedAt: "", heartbeatAt: null,
      skippedByReason: { basisOfRecord: 2, invalidUuid: 1 }, errorDetail: null, warnings: [], ...run,
    },
    ...over,
  };
}

describe("sync report lines", () => {
  it("say the phase, the share done with its unit, and the counts", () => {
    expect(progressLine(snapshot)).toBe("fetching records: 1,234 / 5,000 records (24%) · added 1,200 · updated 3 · deleted 0 · skipped 31");
    expect(progressLine({ ...snapshot, phase: "reconcile", done: 2, total: 8 })).toMatch(/^comparing counts: 2 \/ 8 species \(25%\) · /);
    expect(progressLine({ ...snapshot, phase: "species", done: 0, total: 0 })).toMatch(/^listing bird species · added/);
    expect(progressLine({ ...snapshot, message: "waiting for the ALA to prepare 3 downloads (1.2 M records)" })).toBe(
      "fetching records: 1,234 / 5,000 records (24%) · waiting for the ALA to prepare 3 downloads (1.2 M records) · added 1,200 · updated 3 · deleted 0 · skipped 31",
    );
  });

  it("name the species the count check found", () => {
    const warnings = [
      { guid: "urn:a", name: "Australian Magpie", remote: 2932, local: 935, malformed: 0, reason: "differs" as const },
      { guid: "urn:b", name: null, remote: 1000, local: 980, malformed: 20, reason: "malformed" as const },
    ];
    const lines = summaryLines(result({ status: "failed", error: "Counts still differ" }, { warnings }), 1000);
    expect(lines).toContain("count check: Australian Magpie (urn:a): 2,932 at the source, 935 local");
    expect(lines).toContain("count check: urn:b (urn:b): 20 of 1,000 records at the source could not be read");
  });

  it("say why a request is retried and when", () => {
    expect(retryLine({ url: "http://x/y", attempt: 2, delayMs: 20_000, status: 503, reason: "HTTP 503" })).toBe(
      "ALA request failed (HTTP 503), attempt 2; retrying in 20 s: http://x/y",
    );
    expect(retryLine({ url: "u", attempt: 1, delayMs: 250, status: null, reason: "timed out after 60000 ms" })).toContain("retrying in 250 ms");
  });

  it("sum up a success, a failure, a stop and a resumed run", () => {
    expect(summaryLines(result({}), 12_345)).toEqual([
      "Sync run 7 (incremental) succeeded in 12.3 s.",
      "added 5 · updated 1,200 · deleted 2 · skipped 3",
      "skipped by reason: basisOfRecord 2, invalidUuid 1",
      "records: 1,234,567 local, 1,234,567 at the source",
    ]);
    const failed = summaryLines(result({ status: "failed", error: "ALA request failed after 6 attempts: HTTP 503 (u)" }, { remoteTotal: null }), 1000);
    expect(failed[0]).toBe("Sync run 7 (incremental) failed after 1 s: ALA request failed after 6 attempts: HTTP 503 (u)");
    expect(failed.at(-1)).toMatch(/last import time was not moved/);
    expect(failed.some((l) => l.startsWith("records:"))).toBe(false);
    expect(summaryLines(result({ status: "stopped" }), 1)[0]).toMatch(/stopped at a safe point; the next sync \(or the worker\) resumes it/);
    expect(summaryLines(result({ resumed: true }), 1)[0]).toMatch(/^Finished interrupted sync run 7 first/);
  });
});

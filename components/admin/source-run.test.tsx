import { describe, expect, it } from "vitest";
import { describeSourceRun } from "./source-run";

const NOW = Date.parse("2026-12-07T12:00:00Z");
const run = (over: Record<string, unknown>) =>
  ({ id: 1, status: "waiting", startedAt: "2026-12-07T11:00:00Z", finishedAt: null, added: 0, updated: 0, deleted: 0, skipped: 0, error: null, download: null, interrupted: false, ...over }) as Parameters<typeof describeSourceRun>[0];
const download = (status: string | null) => ({ key: "0000001-261207", status, requestedAt: "2026-12-07T11:48:00Z" });

describe("a source's last run in words", () => {
  it("a GBIF run waiting: asking, then GBIF's status with the key and how long since it was asked for", () => {
    expect(describeSourceRun(run({}), NOW)).toBe("waiting: asking GBIF for a download");
    expect(describeSourceRun(run({ download: download("PREPARING") }), NOW)).toBe("waiting for GBIF: download 0000001-261207 is PREPARING, asked for 12 min 00 s ago");
    expect(describeSourceRun(run({ download: download("RUNNING") }), NOW)).toMatch(/download 0000001-261207 is RUNNING/);
    expect(describeSourceRun(run({ download: download("SUCCEEDED") }), NOW)).toBe("GBIF download 0000001-261207 is ready; waiting for the sync under way to finish");
  });

  it("importing, then the outcome with its counts", () => {
    expect(describeSourceRun(run({ status: "running", download: download("SUCCEEDED") }), NOW)).toBe("importing GBIF download 0000001-261207");
    expect(describeSourceRun(run({ status: "running" }), NOW)).toBe("importing");
    expect(describeSourceRun(run({ status: "succeeded", added: 5, updated: 2, deleted: 1, skipped: 3 }), NOW)).toBe("succeeded · +5 ~2 −1, 3 skipped");
    expect(describeSourceRun(run({ status: "failed", download: download("KILLED") }), NOW)).toBe("failed");
  });

  it("a run whose process stopped says so, and that the next run picks its download up", () => {
    expect(describeSourceRun(run({ interrupted: true, download: download("PREPARING") }), NOW)).toBe(
      "interrupted while waiting for GBIF download 0000001-261207 (its process stopped); the next run picks it up",
    );
    expect(describeSourceRun(run({ status: "running", interrupted: true }), NOW)).toBe("interrupted (its process stopped)");
  });
});

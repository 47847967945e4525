import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { SyncRunView } from "./api";
import { SyncHistory } from "./sync-history";
import { SyncProgress } from "./sync-progress";

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

function run(overrides: Partial<SyncRunView> = {}): SyncRunView {
  return {
    id: 7,
    kind: "full",
    status: "running",
    trigger: "admin",
    requestedBy: { id: "u1", email: "admin@example.org" },
    queuedAt: ago(60_000),
    startedAt: ago(50_000),
    finishedAt: null,
    since: null,
    progress: { phase: "fetch", done: 2_500, total: 10_000, message: null },
    counts: { added: 2_400, updated: 90, deleted: 10, skipped: 3 },
    remoteTotal: null,
    localTotal: null,
    error: null,
    heartbeatAt: ago(1_000),
    skippedByReason: {},
    errorDetail: null,
    warnings: [],
    failingRequest: null,
    ...overrides,
  };
}

const bar = () => screen.getByRole("progressbar", { name: "Sync progress" });

describe("SyncProgress", () => {
  it("says what the ALA is preparing while the run waits for its downloads", () => {
    render(<SyncProgress run={run({ progress: { phase: "fetch", done: 0, total: 1_200_000, message: "waiting for the ALA to prepare 3 downloads (1.2 M records)" } })} />);
    expect(screen.getByRole("status").textContent).toBe("Waiting for the ALA to prepare 3 downloads (1.2 M records).");
  });

  it("shows a running phase as records done of total", () => {
    render(<SyncProgress run={run()} />);
    expect(bar().getAttribute("aria-valuenow")).toBe("2500");
    expect(bar().getAttribute("aria-valuemax")).toBe("10000");
    expect(bar().getAttribute("aria-valuetext")).toBe("Fetching records: 2,500 of 10,000 records");
    expect(screen.getByTestId("sync-phase").textContent).toBe("Fetching records");
    expect(screen.getByText(/^So far:/).textContent).toBe("So far: 2,400 added, 90 updated, 10 deleted, 3 skipped.");
    expect(screen.getByText(/Full sync #7/).parentElement!.textContent).toContain("by admin@example.org");
  });

  it("works out the rate and the time left from successive heartbeats", () => {
    const now = Date.now();
    const at = (ms: number) => new Date(ms).toISOString();
    const { rerender } = render(<SyncProgress run={run({ heartbeatAt: at(now - 10_000), progress: { phase: "fetch", done: 1_000, total: 10_000, message: null } })} />);
    expect(screen.getByText("Rate").nextElementSibling!.textContent).toBe("—");
    rerender(<SyncProgress run={run({ heartbeatAt: at(now), progress: { phase: "fetch", done: 2_000, total: 10_000, message: null } })} />);
    // 1 000 records in 10 s; 8 000 to go.
    expect(screen.getByText("Rate").nextElementSibling!.textContent).toBe("100/s records");
    expect(screen.getByText("Time left").nextElementSibling!.textContent).toBe("about 1 min 20 s");
  });

  it("is indeterminate while queued, saying it waits for the worker", () => {
    render(<SyncProgress run={run({ status: "queued", startedAt: null, heartbeatAt: null, progress: { phase: "queued", done: 0, total: 0, message: null } })} />);
    expect(bar().getAttribute("aria-valuenow")).toBeNull();
    expect(bar().getAttribute("aria-valuetext")).toBe("Waiting for the worker");
    expect(screen.getByText(/queued/).textContent).toContain("queued");
  });

  it("warns when the worker has reported nothing for a while", () => {
    render(<SyncProgress run={run({ heartbeatAt: ago(5 * 60_000) })} />);
    expect(screen.getByText(/No progress reported since/).textContent).toMatch(/resumes from its checkpoints/);
  });

  it("does not warn while progress keeps coming", () => {
    render(<SyncProgress run={run()} />);
    expect(screen.queryByText(/No progress reported/)).toBeNull();
  });
});

describe("SyncHistory", () => {
  it("shows a failed run's reason and the ALA request it gave up on, as text", () => {
    const failed = run({
      id: 9,
      status: "failed",
      finishedAt: ago(0),
      error: "<b>ALA unavailable</b>",
      failingRequest: { url: "https://biocache.example/ws/occurrences/search?q=x", status: 503, attempts: 5 },
    });
    render(<SyncHistory runs={[failed]} onShowCountCheck={() => undefined} />);
    const row = document.querySelector<HTMLElement>('[data-run-id="9"]')!;
    expect(within(row).getByText("Failed")).toBeTruthy();
    const details = document.querySelector('[data-run-details="9"]')!;
    expect(details.textContent).toContain("Run #9 failed: <b>ALA unavailable</b>");
    expect(details.querySelector("b")).toBeNull();
    expect(details.textContent).toContain("HTTP 503, 5 attempts");
  });

  it("names the species the count check found, with both counts", () => {
    const failed = run({
      id: 11,
      status: "failed",
      finishedAt: ago(0),
      error: "Counts still differ after reconciliation for 1 species",
      warnings: [
        { guid: "urn:a", name: "Australian Magpie", remote: 2932, local: 935, malformed: 0, reason: "differs" },
        { guid: "urn:b", name: null, remote: 1000, local: 980, malformed: 20, reason: "malformed" },
      ],
    });
    render(<SyncHistory runs={[failed]} onShowCountCheck={() => undefined} />);
    const list = screen.getByRole("list", { name: "Species the count check of run #11 named" });
    const items = within(list).getAllByRole("listitem").map((li) => li.textContent);
    expect(items).toEqual(["Australian Magpie (urn:a): 2,932 at the ALA, 935 here", "urn:b (urn:b): 20 of 1,000 records at the ALA could not be read"]);
  });

  it("says when no sync has finished", () => {
    render(<SyncHistory runs={[]} onShowCountCheck={() => undefined} />);
    expect(screen.getByText("No sync has finished yet.")).toBeTruthy();
  });
});

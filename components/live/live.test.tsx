/**
 * What an event does to the cache (a real TanStack QueryClient), and the stream's life as the page
 * sees it: live while open, back to polling when it fails, tried again after a refusal. jsdom has
 * no EventSource; a small stand-in plays the browser's (the real one runs in e2e/live.spec.ts).
 */
import { QueryClient } from "@tanstack/react-query";
import { act, renderHook } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SyncOverviewView, SyncRunView } from "@/components/admin/api";
import { modelQueryKey } from "@/components/model/api";
import type { SpeciesDetail } from "@/lib/species/detail";
import { useIsLive } from "./live-status";
import { useLiveEvents, type LiveMessage } from "./use-live-events";
import { applySpeciesMessage, distributionKey, speciesKey } from "./use-live-species";
import { applySyncMessage } from "./use-live-sync";

const species = (over: Partial<SpeciesDetail> = {}): SpeciesDetail => ({
  id: 5,
  guid: "urn:5",
  scientificName: "Malurus cyaneus",
  commonName: null,
  occurrenceCount: 10,
  counts: { knownValid: 0, assumedValid: 10, assumedInvalid: 0, knownInvalid: 0 },
  contentiousCount: 0,
  dataVersion: 3,
  lastSyncedAt: null,
  reclassifying: false,
  vettingsVersion: "abc",
  ...over,
});

function cache(detail = species()) {
  const client = new QueryClient();
  client.setQueryData(speciesKey(5), detail);
  client.setQueryData([...distributionKey(5), false, "3/abc"], { pending: false });
  client.setQueryData(modelQueryKey(5), { status: "not_enough_records" });
  const invalidated = () => ({
    species: client.getQueryState(speciesKey(5))!.isInvalidated,
    distribution: client.getQueryState([...distributionKey(5), false, "3/abc"])!.isInvalidated,
    model: client.getQueryState(modelQueryKey(5))!.isInvalidated,
  });
  return { client, invalidated };
}

const event = (e: Record<string, unknown>): LiveMessage => ({ kind: "event", event: { id: 1, ...e } as never });

describe("a species event", () => {
  it("a vetting makes the species be asked for again (outlines, reclassifying)", () => {
    const { client, invalidated } = cache();
    applySpeciesMessage(client, 5, event({ type: "vettings", speciesId: 5 }));
    expect(invalidated()).toEqual({ species: true, distribution: false, model: false });
  });

  it("a new data version does; the version the page already shows does not, unless it was re-classifying", () => {
    const same = cache();
    applySpeciesMessage(same.client, 5, event({ type: "species", speciesId: 5, dataVersion: 3 }));
    expect(same.invalidated().species).toBe(false);
    const newer = cache();
    applySpeciesMessage(newer.client, 5, event({ type: "species", speciesId: 5, dataVersion: 4 }));
    expect(newer.invalidated().species).toBe(true);
    // The tiles need not wait for the species' answer: the version is in the cache at once.
    expect(newer.client.getQueryData<SpeciesDetail>(speciesKey(5))?.dataVersion).toBe(4);
    const finishing = cache(species({ reclassifying: true }));
    applySpeciesMessage(finishing.client, 5, event({ type: "species", speciesId: 5, dataVersion: 3 }));
    expect(finishing.invalidated().species).toBe(true);
  });

  it("a rebuilt range makes only the range be asked for again", () => {
    const { client, invalidated } = cache();
    applySpeciesMessage(client, 5, event({ type: "distribution", speciesId: 5, dataVersion: 3 }));
    expect(invalidated()).toEqual({ species: false, distribution: true, model: false });
  });

  it("a model's new status or version makes only the model be asked for again (a refit after a not-enough answer)", () => {
    const { client, invalidated } = cache();
    applySpeciesMessage(client, 5, event({ type: "model", speciesId: 5, version: 2 }));
    expect(invalidated()).toEqual({ species: false, distribution: false, model: true });
  });

  it("a snapshot that matches changes nothing; one that differs (missed while away) refreshes the species, its range and its model", () => {
    const same = cache();
    applySpeciesMessage(same.client, 5, { kind: "snapshot", data: { dataVersion: 3, vettingsVersion: "abc", reclassifying: false } });
    expect(same.invalidated()).toEqual({ species: false, distribution: false, model: false });
    const missed = cache();
    applySpeciesMessage(missed.client, 5, { kind: "snapshot", data: { dataVersion: 3, vettingsVersion: "def", reclassifying: false } });
    expect(missed.invalidated()).toEqual({ species: true, distribution: true, model: true });
  });

  it("a snapshot asks once more for a range the page holds as pending: it may have been built before the stream opened", () => {
    const { client, invalidated } = cache();
    client.setQueryData([...distributionKey(5), false, "3/abc"], { pending: true });
    applySpeciesMessage(client, 5, { kind: "snapshot", data: { dataVersion: 3, vettingsVersion: "abc", reclassifying: false } });
    expect(invalidated()).toEqual({ species: false, distribution: true, model: false });
  });
});

describe("a sync event", () => {
  const run = { id: 7, status: "running", progress: { phase: "fetch", done: 1, total: 10, message: null }, counts: { added: 0, updated: 0, deleted: 0, skipped: 0 } } as SyncRunView;
  const sync = (over: Record<string, unknown>) => event({ type: "sync", runId: 7, status: "running", phase: "fetch", done: 5, total: 10, added: 4, updated: 1, deleted: 0, skipped: 0, message: null, ...over });

  it("moves the progress of the run on screen without asking the server", () => {
    const client = new QueryClient();
    client.setQueryData(["admin", "sync", 10], { current: run, history: [] });
    applySyncMessage(client, sync({}));
    const overview = client.getQueryData<SyncOverviewView>(["admin", "sync", 10])!;
    expect(overview.current?.progress).toEqual({ phase: "fetch", done: 5, total: 10, message: null });
    expect(overview.current?.counts).toEqual({ added: 4, updated: 1, deleted: 0, skipped: 0 });
    expect(client.getQueryState(["admin", "sync", 10])!.isInvalidated).toBe(false);
  });

  it("an ended or another run makes the overview be asked for again", () => {
    const client = new QueryClient();
    client.setQueryData(["admin", "sync", 10], { current: run, history: [] });
    applySyncMessage(client, sync({ status: "succeeded" }));
    expect(client.getQueryState(["admin", "sync", 10])!.isInvalidated).toBe(true);
  });
});

describe("a source event", () => {
  it("makes the Sources panel be asked for again, and leaves the sync overview alone", () => {
    const client = new QueryClient();
    client.setQueryData(["admin", "sources"], { sources: [], unmatched: [], problems: [] });
    client.setQueryData(["admin", "sync", 10], { current: null, history: [] });
    applySyncMessage(client, event({ type: "source", runId: 3, sourceId: 2, status: "waiting", downloadStatus: "PREPARING" }));
    expect(client.getQueryState(["admin", "sources"])!.isInvalidated).toBe(true);
    expect(client.getQueryState(["admin", "sync", 10])!.isInvalidated).toBe(false);
  });

  it("a snapshot (missed while away) refreshes the sources too", () => {
    const client = new QueryClient();
    client.setQueryData(["admin", "sources"], { sources: [], unmatched: [], problems: [] });
    applySyncMessage(client, { kind: "snapshot", data: { run: null } });
    expect(client.getQueryState(["admin", "sources"])!.isInvalidated).toBe(true);
  });
});

/** The browser's EventSource, reduced to what the hook uses. */
class StandIn {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSED = 2;
  static made: StandIn[] = [];
  readyState = StandIn.CONNECTING;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  listeners = new Map<string, (e: { data: string }) => void>();
  constructor(readonly url: string) {
    StandIn.made.push(this);
  }
  addEventListener(name: string, fn: (e: { data: string }) => void) {
    this.listeners.set(name, fn);
  }
  close() {
    this.readyState = StandIn.CLOSED;
  }
}

describe("useLiveEvents", () => {
  beforeEach(() => {
    StandIn.made = [];
    vi.stubGlobal("EventSource", StandIn);
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("is live while the stream is open, polls while it is down, and tries again after a refusal", () => {
    const messages: LiveMessage[] = [];
    const { result, unmount } = renderHook(() => {
      useLiveEvents("species:5", (m) => messages.push(m));
      return useIsLive("species:5");
    });
    const source = StandIn.made[0];
    expect(source.url).toBe("/api/events?species=5");
    expect(result.current).toBe(false);
    act(() => source.onopen!());
    expect(result.current).toBe(true);
    act(() => source.listeners.get("vettings")!({ data: JSON.stringify({ id: 9, type: "vettings", speciesId: 5 }) }));
    act(() => source.listeners.get("vettings")!({ data: "not json" }));
    act(() => source.listeners.get("species")!({ data: JSON.stringify({ id: 10, type: "species", speciesId: 5 }) })); // no dataVersion: dropped
    expect(messages).toEqual([{ kind: "event", event: { id: 9, type: "vettings", speciesId: 5 } }]);
    // Every kind the server sends by name is listened for (a model's status, a source's run).
    expect([...source.listeners.keys()]).toEqual(expect.arrayContaining(["snapshot", "species", "vettings", "distribution", "model", "sync", "source"]));

    // Dropped connection: the browser reconnects by itself; the page polls meanwhile.
    act(() => source.onerror!());
    expect(result.current).toBe(false);
    expect(StandIn.made).toHaveLength(1);
    // Refused (429/503/403): the browser gives up; the hook tries again later.
    source.readyState = StandIn.CLOSED;
    act(() => source.onerror!());
    act(() => vi.advanceTimersByTime(30_000));
    expect(StandIn.made).toHaveLength(2);
    unmount();
    expect(StandIn.made[1].readyState).toBe(StandIn.CLOSED);
  });
});

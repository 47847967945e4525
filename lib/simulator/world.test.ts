import { describe, expect, it } from "vitest";
import { FLAG } from "./columns";
import { onLand } from "./geo";
import { searchRecord } from "./record";
import { BASIS_OF_RECORD } from "./vocab";
import { World } from "./world";

const records = (w: World, n = w.count) => Array.from({ length: n }, (_, i) => searchRecord(w, i, "http://x"));

describe("world generation", () => {
  it("is deterministic: same seed, same records; another seed, other records", () => {
    const a = new World({ records: 3000, seed: 42 });
    const b = new World({ records: 3000, seed: 42 });
    const c = new World({ records: 3000, seed: 43 });
    expect(records(b)).toEqual(records(a));
    expect(records(c).map((r) => r.uuid)).not.toEqual(records(a).map((r) => r.uuid));
    expect(a.speciesList().map((s) => s.count)).not.toEqual(c.speciesList().map((s) => s.count));
  });

  it("is the same world when generated on several threads", async () => {
    const single = new World({ records: 4000, seed: 42 });
    const parallel = await World.create({ records: 4000, seed: 42, threads: 3 });
    expect(records(parallel)).toEqual(records(single));
    // And it goes on the same way: added records (duplicates of earlier ones included) match too.
    for (const w of [single, parallel]) {
      w.clock.set({ now: "2030-01-01T00:00:00Z" });
      w.addRecords({ count: 300 });
    }
    expect(records(parallel)).toEqual(records(single));
  });

  it("derives uuids from the index and decodes them back without storage", () => {
    const w = new World({ records: 2000, seed: 5 });
    for (const i of [0, 1, 999, 1999]) expect(w.recordIndex(w.uuid(i))).toBe(i);
    expect(new Set(records(w).map((r) => r.uuid)).size).toBe(2000);
    expect(w.recordIndex("ffffffff-ffff-4fff-bfff-ffffffffffff")).toBe(-1);
    const img = w.ids.imageId(17, 2);
    expect(w.ids.imageRef(img)).toEqual({ index: 17, k: 2 });
  });

  it("has realistic variety: skewed species, every basis of record, both assertion styles, bad coordinates", () => {
    const w = new World({ records: 20_000, seed: 1 });
    const counts = w.speciesList().map((s) => s.count).sort((a, b) => b - a);
    expect(counts[0]).toBeGreaterThan(0.1 * 20_000);
    expect(counts.length).toBeGreaterThanOrEqual(250);
    const rs = records(w);
    expect(new Set(rs.map((r) => r.basisOfRecord))).toEqual(new Set(BASIS_OF_RECORD));
    const raw = new Set(rs.map((r) => r.raw_basisOfRecord));
    expect(raw).toContain("HumanObservation");
    expect(raw).toContain("HUMAN_OBSERVATION");
    const codes = new Set(rs.flatMap((r) => r.assertions as string[]));
    for (const code of ["zeroCoordinates", "ZERO_COORDINATE", "COORDINATE_OUT_OF_RANGE", "detectedOutlier", "COORDINATES_CENTRE_OF_COUNTRY"]) expect(codes).toContain(code);
    expect(rs.some((r) => r.decimalLatitude === undefined)).toBe(true);
    expect(rs.some((r) => (r.decimalLatitude as number) < -90)).toBe(true);
    expect(rs.some((r) => r.decimalLatitude === 0 && r.decimalLongitude === 0)).toBe(true);
    expect(rs.some((r) => typeof r.raw_occurrenceRemarks === "string" && r.raw_occurrenceRemarks.includes("<script>"))).toBe(true);
    expect(rs.some((r) => /[^\x00-\x7f]/.test((r.collectors as string[] | undefined)?.[0] ?? ""))).toBe(true);
    expect(rs.every((r) => typeof r.lastLoadDate === "number" && typeof r.firstLoadedDate === "number")).toBe(true);
    expect(rs.every((r) => (r.firstLoadedDate as number) <= (r.lastLoadDate as number))).toBe(true);
    expect(rs.every((r) => r.month === undefined || /^\d\d$/.test(r.month as string))).toBe(true);
    // Most plain records are on land; years run from 1850 to the snapshot.
    const plain = rs.filter((r) => r.spatiallyValid === true && (r.assertions as string[]).length < 4);
    expect(plain.filter((r) => onLand(r.decimalLatitude as number, r.decimalLongitude as number)).length / plain.length).toBeGreaterThan(0.9);
    const years = rs.map((r) => r.year as number).filter(Boolean);
    expect(Math.min(...years)).toBeGreaterThanOrEqual(1850);
    expect(Math.max(...years)).toBeLessThanOrEqual(2025);
    // Hotspots: many records share exact coordinates.
    const spots = new Map<string, number>();
    for (const r of rs) if (r.latLong) spots.set(r.latLong as string, (spots.get(r.latLong as string) ?? 0) + 1);
    expect(Math.max(...spots.values())).toBeGreaterThan(20);
  });

  it("generalises sensitive species to 0.1° and says so", () => {
    const w = new World({ records: 20_000, seed: 1 });
    const sensitive = records(w).filter((r) => r.sensitive);
    expect(sensitive.length).toBeGreaterThan(0);
    for (const r of sensitive) {
      if (r.decimalLatitude === undefined) continue;
      expect(Math.round((r.decimalLatitude as number) * 10) / 10).toBe(r.decimalLatitude);
      if (r.sensitive === "generalised") expect(r.generalisationToApplyInMetres).toMatch(/^\d+$/);
    }
  });

  it("makes duplicate groups that share species, coordinates and date", () => {
    const w = new World({ records: 20_000, seed: 1 });
    const rs = records(w);
    const dups = rs.filter((r) => r.duplicateStatus === "D");
    expect(dups.length).toBeGreaterThan(50);
    const reps = new Map(rs.filter((r) => r.duplicateStatus === "R").map((r) => [`${r.speciesGuid}|${r.latLong}|${r.eventDate}`, r]));
    for (const d of dups) expect(reps.has(`${d.speciesGuid}|${d.latLong}|${d.eventDate}`)).toBe(true);
  });

  it("keeps records in load order so the lastLoadDate index needs no sort", () => {
    const w = new World({ records: 5000, seed: 3 });
    for (let i = 1; i < w.count; i++) expect(w.cols.lastLoad[i]).toBeGreaterThanOrEqual(w.cols.lastLoad[i - 1]);
    expect(Array.from(w.indexes.byLoad)).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    // After an update the record moves to the end.
    w.clock.set({ now: "2030-01-01T00:00:00Z" });
    const [uuid] = w.updateRecords({ uuids: [w.uuid(10)] });
    expect(w.uuid(w.indexes.byLoad[4999])).toBe(uuid);
    expect(w.cols.flags[10] & FLAG.MOVED).toBeTruthy();
  });
});

import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { aoo } from "./aoo";
import { eoo } from "./eoo";
import { projectPoints } from "./points";

/**
 * Edgar's figures against the reference tools' algorithms on the same points, computed in R with
 * real PROJ and geosphere (test/fixtures/distribution/reference.R, which wrote reference.json).
 */
const DIR = path.join(process.cwd(), "test/fixtures/distribution");
const reference = JSON.parse(readFileSync(path.join(DIR, "reference.json"), "utf8")) as Record<
  string,
  { points: number; centre: { lon: number; lat: number }; proj: string; eooRedGeodesicKm2: number; aooOffsets: number[]; aooCellCounts: number[]; aooKm2: number }
>;

function load(name: string) {
  const rows = readFileSync(path.join(DIR, `${name}.csv`), "utf8").trim().split("\n").slice(1);
  const lon = rows.map((r) => Number(r.split(",")[0]));
  const lat = rows.map((r) => Number(r.split(",")[1]));
  return projectPoints(lon, lat);
}

describe.each(Object.keys(reference))("the %s point set", (name) => {
  const ref = reference[name];
  const points = load(name);

  it("is projected as rCAT projects it: same centre and projection", () => {
    expect(points.xy.length / 2).toBe(ref.points);
    expect(points.projection.centre.lon).toBeCloseTo(ref.centre.lon, 9);
    expect(points.projection.centre.lat).toBeCloseTo(ref.centre.lat, 9);
    expect(points.projection.proj.split(" ")[0]).toBe(ref.proj.split(" ")[0]);
  });

  it("has an EOO within 0.5 % of red's geodesic area of the convex hull (the ConR spheroid definition)", () => {
    const result = eoo(points);
    if (!result.computable) throw new Error(result.reason);
    expect(Math.abs(result.km2 / ref.eooRedGeodesicKm2 - 1)).toBeLessThan(0.005);
  });

  it("occupies exactly ConR's number of 2 km cells at each grid offset, and takes the smallest", () => {
    const result = aoo(points, { cellKm: 2, offsets: ref.aooOffsets })!;
    expect(result.counts).toEqual(ref.aooCellCounts);
    expect(result.km2).toBe(ref.aooKm2);
  });
});

it("covers a set across the antimeridian and one above 70° of latitude", () => {
  expect(reference["fiji-antimeridian"].proj).toMatch(/^\+proj=cea/);
  expect(reference.svalbard.proj).toMatch(/^\+proj=laea/);
});

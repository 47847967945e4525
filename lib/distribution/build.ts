/**
 * All range products of one species from the records that count (records.ts): EOO, AOO, the
 * alpha-hull range and the occupancy cells, with the published geometry made safe (publish.ts).
 * Pure: the worker's job (store.ts) reads the records and stores what this returns.
 */
import { createHash } from "node:crypto";
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from "geojson";
import type { RangeQualifier } from "@/lib/domain/codes";
import { DEFAULT_ALPHA } from "./alpha-hull";
import { aooOf, DEFAULT_AOO, type AooResult, type AooSettings } from "./aoo";
import { DEFAULT_DISPLAY_CELL_KM, roundPosition } from "./grid";
import { hullsOf, type Hulls } from "./hulls";
import { pointsOf, projectPoints, type PositionTable, type ProjectedPoints } from "./points";
import { cellCorners, degreeCells, snapGrid } from "./publish";
import { countAoo, countGrids, type SharedGrids } from "./variant-grids";

/** The records that count, column-wise. */
export interface CountedRecords {
  /** Positions the figures use: the accurate one of a sensitive record where Edgar holds it. */
  lon: Float64Array;
  lat: Float64Array;
  /** Public positions (generalised for sensitive species). */
  publicLon: Float64Array;
  publicLat: Float64Array;
  /** 1 where lon/lat is an accurate sensitive coordinate. */
  accurate: Uint8Array;
  /** The records' ids (countedRecords gives them): how many changed decides a model refit (lib/suitability). */
  ids?: Float64Array;
  /**
   * The species' positions and which one each record holds (records.ts gives them, in the frame of
   * all the species' records); else the distinct positions are found here, centred on themselves.
   */
  frame?: { table: PositionTable; position: Int32Array };
}

export interface DistributionSettings {
  alpha: number;
  aoo: AooSettings;
  displayCellKm: number;
  includeContentious: boolean;
  /** Range qualifiers whose records are left out (vagrant and historic by default). */
  excludedQualifiers: RangeQualifier[];
}

export const DEFAULT_SETTINGS: DistributionSettings = {
  alpha: DEFAULT_ALPHA,
  aoo: DEFAULT_AOO,
  displayCellKm: DEFAULT_DISPLAY_CELL_KM,
  includeContentious: false,
  excludedQualifiers: ["vagrant", "historic"],
};

export interface DistributionProducts {
  recordsUsed: number;
  distinctPositions: number;
  eoo: { km2: number } | null;
  aoo: AooResult | null;
  /** Why EOO (and the range polygon) could not be computed. */
  notComputable?: string;
  /** Published: the alpha hull and the convex hull, safe to show. */
  range: FeatureCollection<MultiPolygon | Polygon>;
  /** Published: the occupied display cells. */
  cells: FeatureCollection<Polygon>;
  alpha: { value: number; shareInside: number | null };
  /** The projection of the published geometry (for a snapped species, centred on the public cells' corners). */
  projection: { kind: "cea" | "laea"; centre: { lon: number; lat: number }; proj: string };
  /** The generalisation grid (degrees) published geometry was snapped to, when sensitive accurate coordinates were used. */
  snappedToDegrees: number | null;
  /** Side of the display cells: km in the projection, or degrees when snapped. */
  displayCell: { km: number } | { degrees: number };
}

/**
 * A digest of everything buildProducts reads (the positions in their order, which decides which
 * of two positions within a metre is kept, the projection's centre and the settings): equal
 * digests, equal figures and outlines (hulls.ts: rings may be traced from other vertices, and a cell of the outline may differ).
 * With a position table, each record's position is its place in the table (whose positions are
 * digested once: a large species' table is kept while experts vet, records.ts), and the public
 * positions are read only where an accurate one is held: for the 1.2 M-record species a build
 * hashed 40 MB a variant (60–100 ms before it could start), now 6 MB.
 */
export function inputsDigest(records: CountedRecords, settings: DistributionSettings): string {
  const { frame } = records;
  const hash = createHash("sha256").update(`${records.accurate.length} ${frame ? tableDigest(frame.table) : ""}\n`);
  const arrays = frame
    ? [frame.position, records.accurate, ...(records.accurate.includes(1) ? [records.publicLon, records.publicLat] : [])]
    : [records.lon, records.lat, records.publicLon, records.publicLat, records.accurate];
  for (const a of arrays) hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return hash.update(JSON.stringify({ settings, centre: frame?.table.projection.centre })).digest("base64");
}

const tableDigests = new WeakMap<PositionTable, string>();

function tableDigest(table: PositionTable): string {
  let digest = tableDigests.get(table);
  if (digest === undefined) {
    const { lonLat } = table;
    tableDigests.set(table, (digest = createHash("sha256").update(new Uint8Array(lonLat.buffer, lonLat.byteOffset, lonLat.byteLength)).digest("base64")));
  }
  return digest;
}

/** Where the hulls are made: here (hullsOf), or in a thread while the grids are counted (hulls.ts, hullsInThread). */
export type HullMaker = (points: ProjectedPoints, alpha: number) => Hulls | Promise<Hulls>;

/** The products counted on the grids, ready before the hulls: the store writes their 10 MB meanwhile (store.ts). */
export type GridProducts = Pick<DistributionProducts, "recordsUsed" | "aoo" | "cells">;

export async function buildProducts(
  records: CountedRecords,
  settings: DistributionSettings = DEFAULT_SETTINGS,
  makeHulls: HullMaker = hullsOf,
  onGrids?: (grids: GridProducts) => void,
  /** Grids the build before this one in the same rebuild left (variant-grids.ts). */
  shared?: SharedGrids,
): Promise<DistributionProducts> {
  const n = records.accurate.length;
  const empty: FeatureCollection<Polygon> = { type: "FeatureCollection", features: [] };
  if (n === 0) {
    return {
      recordsUsed: 0,
      distinctPositions: 0,
      eoo: null,
      aoo: null,
      notComputable: "No records count towards the range.",
      range: { type: "FeatureCollection", features: [] },
      cells: empty,
      alpha: { value: settings.alpha, shareInside: null },
      projection: { kind: "cea", centre: { lon: 0, lat: 0 }, proj: "" },
      snappedToDegrees: null,
      displayCell: { km: settings.displayCellKm },
    };
  }
  // The public positions are read only where an accurate one is held (records.ts copies them out when first read).
  const grid = records.accurate.includes(1) ? snapGrid(records.publicLon, records.publicLat, records.accurate) : null;
  // What is drawn comes from positions anyone may see: the records' own, or their generalisation cells' corners.
  const corners = grid === null ? null : cellCorners(records.publicLon, records.publicLat, grid);
  const points = records.frame
    ? pointsOf(records.frame.table, records.frame.position, settings.includeContentious ? "with contentious" : "default")
    : projectPoints(records.lon, records.lat);
  const shown = corners ? projectPoints(corners.lon, corners.lat) : points;
  // The hulls are asked for first, so that a thread makes them while the grids are counted here.
  const hulls = Promise.all([ask(makeHulls, points, settings.alpha), shown === points ? null : ask(makeHulls, shown, settings.alpha)]);
  // Should the grids below throw, the hulls' own failure must not go unheard (it would end the process).
  hulls.catch(() => undefined);
  // The event loop gets a turn between the grids' steps (tens of ms each for a million positions):
  // the variant built before this one completes its row when its hulls come, not after these grids.
  let occupancy: AooResult | null;
  let cells: Polygon[];
  let displayCell: DistributionProducts["displayCell"];
  if (grid === null) {
    ({ occupancy, cells } = await countGrids(points, settings, shared, turn));
    displayCell = { km: settings.displayCellKm };
  } else {
    occupancy = aooOf((await countAoo(points, settings.aoo, turn)).counts, settings.aoo);
    const snapped = degreeCells(records.publicLon, records.publicLat, grid, settings.displayCellKm);
    cells = snapped.cells;
    displayCell = { degrees: snapped.degrees };
  }
  await turn();
  const cellFeatures: FeatureCollection<Polygon> = { type: "FeatureCollection", features: cells.map((geometry) => ({ type: "Feature", properties: {}, geometry })) };
  onGrids?.({ recordsUsed: n, aoo: occupancy, cells: cellFeatures });
  const [{ extent, hull }, ofShown] = await hulls;
  const { extent: shownExtent, hull: shownHull } = ofShown ?? { extent, hull };

  const features: Feature<MultiPolygon | Polygon>[] = [];
  if (shownHull.polygons.length > 0) {
    features.push({
      type: "Feature",
      properties: { kind: "alpha-hull", alpha: settings.alpha, shareInside: share(hull.recordsInside, hull.records) },
      geometry: { type: "MultiPolygon", coordinates: shownHull.polygons.map((p) => p.map((ring) => closed(ring, shown))) },
    });
  }
  if (shownExtent.computable) {
    features.push({
      type: "Feature",
      properties: { kind: "convex-hull", eooKm2: extent.computable ? extent.km2 : null },
      geometry: { type: "Polygon", coordinates: [closed(shownExtent.hull, shown)] },
    });
  }
  return {
    recordsUsed: n,
    distinctPositions: points.xy.length / 2,
    eoo: extent.computable ? { km2: extent.km2 } : null,
    aoo: occupancy,
    ...(extent.computable ? {} : { notComputable: extent.reason }),
    range: { type: "FeatureCollection", features },
    cells: cellFeatures,
    alpha: { value: settings.alpha, shareInside: hull.polygons.length > 0 ? share(hull.recordsInside, hull.records) : null },
    // The projection the figures used is centred on accurate positions; the one the drawing used is not.
    projection: { kind: shown.projection.kind, centre: shown.projection.centre, proj: shown.projection.proj },
    snappedToDegrees: grid,
    displayCell,
  };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A hull maker that throws (made here) as a rejected promise, like one in a thread. */
function ask(makeHulls: HullMaker, points: ProjectedPoints, alpha: number): Promise<Hulls> {
  try {
    return Promise.resolve(makeHulls(points, alpha));
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

function share(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10000) / 10000;
}

/** A projected ring as a closed lon/lat ring. */
function closed(ring: [number, number][], points: ProjectedPoints): [number, number][] {
  const out = ring.map(([x, y]) => roundPosition(points.projection.inverse(x, y)));
  out.push(out[0]);
  return out;
}

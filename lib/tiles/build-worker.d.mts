// Types of build-worker.mjs (kept as plain JavaScript so a worker_thread can run it unbundled).

export interface BandSpec {
  minZoom: number;
  maxZoom: number;
  /** 0: exact positions; otherwise points are merged per cell of 2^-cellBits of the world. */
  cellBits: number;
}

/** One row per record with a public position; cat = (classification code - 1) * 2 + contentious. */
export interface RecordColumns {
  lon: Float32Array;
  lat: Float32Array;
  id: Int32Array;
  cat: Uint8Array;
}

/** Weighted points: COUNTS counts each (total, four categories, contentious). */
export interface PointColumns {
  lon: Float64Array;
  lat: Float64Array;
  id: Int32Array;
  counts: Uint32Array;
}

export interface PackedLevel {
  numItems: number;
  /** A KDBush buffer whose ids are the sorted positions. */
  tree: ArrayBuffer;
  /** ≥ 0: point index; < 0: -(cluster row + 1). */
  ref: Int32Array;
}

export interface PackedBand {
  minZoom: number;
  maxZoom: number;
  pointCount: number;
  points: PointColumns;
  clusters: { id: Float64Array; x: Float64Array; y: Float64Array; counts: Uint32Array };
  /** The cluster row each point and cluster was merged into (-1: none); a parent's row is larger. */
  parents: { point: Int32Array; cluster: Int32Array };
  /** Index z - minZoom, for z in minZoom..maxZoom+1. */
  levels: PackedLevel[];
}

export const RADIUS: number;
export const CLUSTER_EXTENT: number;
export const BANDS: readonly BandSpec[];
export const COUNTS: number;
export function lngX(lng: number): number;
export function latY(lat: number): number;
export function collapseRecords(records: RecordColumns): PointColumns;
export function gridCells(records: RecordColumns, cellBits: number): PointColumns;
export function buildBand(points: PointColumns, spec: { minZoom: number; maxZoom: number }): PackedBand;
export function bandBuffers(band: PackedBand): ArrayBuffer[];
/** What recount() needs of a previous exact band. */
export type PreviousBand = Pick<PackedBand, "points" | "parents">;
/** New per-point and per-cluster counts of an exact band (COUNTS per row). */
export interface Recount {
  points: Uint32Array;
  clusters: Uint32Array;
}
export type BandResult = { band: PackedBand; counts?: undefined } | { counts: Recount; band?: undefined };
export function recount(previous: PreviousBand, records: RecordColumns): Recount | null;
export function buildBands(records: RecordColumns, onBand: (index: number, result: BandResult) => void, from?: number, previous?: PreviousBand | null): void;

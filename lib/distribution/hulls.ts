/**
 * The convex and alpha hulls of a species' positions (hullsOf): one Delaunay triangulation gives
 * both, and it is the build's costliest part, about two thirds of it. For a large species they are
 * made in a worker thread (hullsInThread) while the build counts the AOO and display grids on its
 * own thread, so the two cores share a build. The thread is started once and kept: a build of a
 * million records would otherwise pay for its start-up (a new V8 isolate loading this code, about
 * 0.2 s) every time. It is left out of the process's reasons to stay alive while it has no work,
 * and ends after five minutes of it, which gives back the memory of the triangulations it keeps
 * to change for the next build (kept-meshes.ts): an expert's vettings come minutes apart.
 */
import path from "node:path";
import { Worker } from "node:worker_threads";
import { flatAlphaHull, nestedHull, type AlphaHull, type FlatAlphaHull } from "./alpha-hull";
import { eoo, type EooResult } from "./eoo";
import { freshMesh, meshFor, type MeshedPoints } from "./kept-meshes";
import type { ProjectedPoints } from "./points";
import { projectionFor } from "./projection";

export interface Hulls {
  extent: EooResult;
  hull: AlphaHull;
  /** Set when the thread answered from a triangulation it had made before, changed by what differed (kept-meshes.ts). */
  reusedMesh?: true;
}

export function hullsOf(points: ProjectedPoints, alpha: number): Hulls {
  return unflattened(hullsOn(points, alpha, freshMesh(points)));
}

function hullsOn(points: ProjectedPoints, alpha: number, meshed: MeshedPoints | undefined): FlatHulls {
  const laidOut = meshed?.points ?? points;
  return { extent: eoo(laidOut, meshed?.mesh), hull: flatAlphaHull(laidOut, alpha, meshed?.mesh), ...(meshed?.changed ? { reusedMesh: true as const } : {}) };
}

/** Below this many distinct positions the hulls take milliseconds: not worth copying the points to the thread. */
export const THREAD_FROM_POSITIONS = 20_000;

/** What the thread is sent: the points without their projection, which it makes again from the centre. */
export interface HullsRequest {
  id: number;
  centre: { lon: number; lat: number };
  xy: Float64Array;
  weight: Uint32Array;
  source?: ProjectedPoints["source"];
  alpha: number;
}
/**
 * The hulls as they cross between threads: the alpha hull's rings as flat arrays, transferred, not
 * copied (a structured clone of its hundred thousand [x, y] pairs took 25–50 ms each way).
 */
export interface FlatHulls extends Omit<Hulls, "hull"> {
  hull: FlatAlphaHull;
}
export type HullsReply = { id: number; hulls: FlatHulls } | { id: number; error: string };

function unflattened({ hull, ...rest }: FlatHulls): Hulls {
  return { ...rest, hull: nestedHull(hull) };
}

/** What a reply's buffers are, to transfer them. */
export function transferOf(reply: HullsReply): ArrayBuffer[] {
  if ("error" in reply) return [];
  const { coords, ringSizes, polygonSizes } = reply.hulls.hull;
  return [coords.buffer, ringSizes.buffer, polygonSizes.buffer] as ArrayBuffer[];
}

// Next.js bundles route code (which imports store.ts), so import.meta.url does not point at the
// source tree there; the worker and the benches run from the project root, where this file is.
const ENTRY = path.resolve(process.cwd(), "lib/distribution/hulls-thread.mjs");

interface Pending {
  resolve: (hulls: Hulls) => void;
  reject: (err: Error) => void;
}
interface HullThread {
  worker: Worker;
  pending: Map<number, Pending>;
  idle: NodeJS.Timeout | undefined;
}
let thread: HullThread | null = null;
let nextId = 0;
/** An idle thread ends after this long, with the triangulations it keeps (about 90 MB each for a million positions). */
export const HULL_THREAD_IDLE_MS = 5 * 60_000;

function started(): HullThread {
  if (thread) return thread;
  const worker = new Worker(ENTRY);
  worker.unref();
  const current: HullThread = { worker, pending: new Map<number, Pending>(), idle: undefined };
  idleFrom(current);
  const fail = (err: Error) => {
    clearTimeout(current.idle);
    if (thread === current) thread = null;
    for (const p of current.pending.values()) p.reject(err);
    current.pending.clear();
  };
  worker.on("message", (reply: HullsReply) => {
    const p = current.pending.get(reply.id);
    if (!p) return;
    current.pending.delete(reply.id);
    if (current.pending.size === 0) {
      worker.unref();
      idleFrom(current);
    }
    if ("error" in reply) p.reject(new Error(`the hull thread failed: ${reply.error}`));
    else p.resolve(unflattened(reply.hulls));
  });
  worker.on("error", (err) => fail(new Error(`the hull thread failed: ${err.message}`)));
  worker.on("exit", (code) => fail(new Error(`the hull thread exited (code ${code}) before answering`)));
  thread = current;
  return current;
}

/** (Re)starts the idle clock of a thread with no work: a thread warmed and never asked ends too. */
function idleFrom(current: HullThread): void {
  clearTimeout(current.idle);
  current.idle = setTimeout(() => {
    if (thread === current) void stopHullThread();
  }, HULL_THREAD_IDLE_MS).unref();
}

/**
 * Starts the thread ahead of a build that may need it, so its start-up overlaps the records' read
 * (the build may not: its records that count may have fewer distinct positions).
 */
export function warmHullThread(): void {
  const current = started();
  if (current.pending.size === 0) idleFrom(current);
}

/**
 * hullsOf, in the thread for a large point set: the same hulls to the bit when the thread makes a
 * new triangulation; when it changed a kept one, the same EOO and, but for a triangle at the limit
 * or across four cocircular positions (docs/distribution.md), the same outline, whose rings may
 * start at other vertices or come in another order (kept-meshes.ts).
 */
export function hullsInThread(points: ProjectedPoints, alpha: number): Promise<Hulls> {
  if (points.xy.length / 2 < THREAD_FROM_POSITIONS) return Promise.resolve(hullsOf(points, alpha));
  const current = started();
  const { worker, pending } = current;
  clearTimeout(current.idle);
  const id = nextId++;
  return new Promise<Hulls>((resolve, reject) => {
    if (pending.size === 0) worker.ref();
    pending.set(id, { resolve, reject });
    const { projection, xy, weight, source } = points;
    // Copied, not transferred: the build goes on using the points.
    worker.postMessage({ id, centre: projection.centre, xy, weight, source, alpha } satisfies HullsRequest);
  });
}

/** Stops the thread (idle, or the worker's shutdown); a build waiting on it fails, and the next one starts a new thread. */
export async function stopHullThread(): Promise<void> {
  const current = thread;
  if (!current) return;
  thread = null;
  clearTimeout(current.idle);
  await current.worker.terminate();
}

/**
 * The thread's side (hulls-thread.ts): the same projection made again from its centre, and the
 * triangulation changed from one the thread made before when the positions differ by a few
 * (kept-meshes.ts). Where points are cocircular the triangles may then differ from a new
 * triangulation's, both Delaunay.
 */
export function answer({ id, centre, xy, weight, source, alpha }: HullsRequest): HullsReply {
  try {
    const points = { projection: projectionFor(centre), xy, weight, source };
    return { id, hulls: hullsOn(points, alpha, meshFor(points)) };
  } catch (err) {
    return { id, error: err instanceof Error ? err.message : String(err) };
  }
}

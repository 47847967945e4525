import { AreaIndex, type Area } from "@/lib/geometry/point-in-area";

/** One species' records, column-wise. Missing coordinates are NaN. */
export interface SpeciesRecords {
  id: Int32Array;
  lat: Float32Array;
  lon: Float32Array;
  /** assumed_valid (2) or assumed_invalid (3): the rating from assertions. */
  rating: Uint8Array;
}

export interface LiveVetting {
  id: number;
  authorId: string;
  /** known_valid (1) or known_invalid (4). */
  classification: number;
  area: Area;
  updatedAt: Date;
}

export interface Classification {
  classification: Uint8Array;
  /** 1 when contentious, else 0. */
  contentious: Uint8Array;
}

/** Latest first: updatedAt, ties broken by the higher id. */
export function byRecency(a: Pick<LiveVetting, "id" | "updatedAt">, b: Pick<LiveVetting, "id" | "updatedAt">): number {
  return b.updatedAt.getTime() - a.updatedAt.getTime() || b.id - a.id;
}

/**
 * The effective classification of every record:
 * - covered by vettings: the most recent covering vetting's classification; contentious when two
 *   covering vettings by different authors disagree (an author changing their own mind is not);
 * - otherwise (including records without coordinates): its rating, not contentious.
 */
export function classify(records: SpeciesRecords, vettings: readonly LiveVetting[]): Classification {
  return classifier(vettings)(records);
}

/** classify() with the vettings prepared once, for records that arrive in batches. */
export function classifier(vettings: readonly LiveVetting[]): (records: SpeciesRecords) => Classification {
  const ordered = [...vettings].sort(byRecency);
  const index = new AreaIndex(ordered.map((v) => v.area));
  const classes = ordered.map((v) => v.classification);
  const authorIds = new Map<string, number>();
  const authors = ordered.map((v) => {
    if (!authorIds.has(v.authorId)) authorIds.set(v.authorId, authorIds.size);
    return authorIds.get(v.authorId)!;
  });
  const covering: number[] = [];
  return ({ id, lat, lon, rating }) => {
    const n = id.length;
    const classification = new Uint8Array(n);
    const contentious = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      // NaN coordinates fail every comparison in covering(), so they are never covered.
      const k = index.covering(lon[i], lat[i], covering);
      if (k === 0) {
        classification[i] = rating[i];
        continue;
      }
      // Indexes follow recency, so the smallest is the most recent covering vetting.
      let latest = covering[0];
      for (let a = 1; a < k; a++) if (covering[a] < latest) latest = covering[a];
      classification[i] = classes[latest];
      contentious[i] = disagree(covering, k, classes, authors) ? 1 : 0;
    }
    return { classification, contentious };
  };
}

function disagree(covering: number[], k: number, classes: number[], authors: number[]): boolean {
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const va = covering[a];
      const vb = covering[b];
      if (classes[va] !== classes[vb] && authors[va] !== authors[vb]) return true;
    }
  }
  return false;
}

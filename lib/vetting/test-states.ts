// For fixtures: records given a classification and contentious flag as if vettings had decided them.
import type pg from "pg";
import { encodeState, patchStates } from "./states";

export interface Classified {
  id: number;
  rating: number;
  classification: number;
  contentious: boolean;
}

export async function setClassifications(db: pg.Pool, speciesId: number, records: readonly Classified[]): Promise<void> {
  const bytes = records.map((r) => encodeState(r.classification, r.contentious ? 1 : 0, r.rating));
  await patchStates(db, speciesId, records.map((r) => r.id), bytes);
}

/**
 * The k-th inserted row is generate_series value g = k + 1 (rows inserted ORDER BY g come back in
 * that order); `of(g)` gives its [classification, contentious], over rating assumed_valid.
 */
export function generated(rows: readonly { id: number }[], of: (g: number) => [number, boolean]): Classified[] {
  return rows.map(({ id }, k) => {
    const [classification, contentious] = of(k + 1);
    return { id, rating: 2, classification, contentious };
  });
}

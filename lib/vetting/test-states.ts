// For fixtures: generated records given classifications as if vettings had decided them.
import type { Classified } from "./states";

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

/**
 * How many of a species' records an area would cover, before it is saved: an expert about to
 * vet an area that covers none is warned (a misplaced or tiny polygon). The same point-in-area
 * rule as classification (lib/vetting/classify.ts), over the same records.
 */
import { pool } from "@/lib/db/pool";
import { bboxOf } from "@/lib/geometry/bbox";
import { AreaIndex, type Area } from "@/lib/geometry/point-in-area";
import { candidateBatches } from "./records";
import { newVettingBodySchema } from "./vettings";

/** POST /api/vettings/coverage: a vetting's species and area; the area is checked by validateArea. */
export const coverageBodySchema = newVettingBodySchema.pick({ speciesId: true, area: true });

export async function countCovered(speciesId: number, area: Area): Promise<number> {
  const index = new AreaIndex([area]);
  const covering: number[] = [];
  let count = 0;
  const client = await pool().connect();
  try {
    for await (const { lon, lat } of candidateBatches(client, speciesId, [bboxOf(area)])) {
      for (let i = 0; i < lon.length; i++) if (index.covering(lon[i], lat[i], covering) > 0) count++;
    }
  } finally {
    client.release();
  }
  return count;
}

import type pg from "pg";
import type { StoredRecords } from "./records";

/** What both statements below write; `c` is the row of the arrays joined to each record. */
const UPDATE_FROM_C = "UPDATE occurrences o SET classification = c.classification, contentious = c.contentious";

/** New classifications, parallel to the records they were computed for. */
export interface Outcome {
  classification: Uint8Array;
  contentious: Uint8Array;
}

/**
 * Writes the new classification and contentious flag of the records at positions `at` in one
 * UPDATE joined to arrays: a single round trip however many rows changed. Rows are found by the
 * ctid they were read at (a TID scan, no index descent per row). A row that a concurrent writer
 * (the sync) updated since has moved and is missed; then the update is repeated by id, which
 * finds every row wherever it is now (the species condition keeps the planner to the species' rows).
 */
export async function writeBack(
  client: pg.PoolClient,
  speciesId: number,
  stored: StoredRecords,
  next: Outcome,
  at: Int32Array,
): Promise<void> {
  const tids = new Array<string>(at.length);
  const ids = new Array<number>(at.length);
  const classes = new Array<number>(at.length);
  const flags = new Array<string>(at.length);
  for (let k = 0; k < at.length; k++) {
    const i = at[k];
    tids[k] = `"(${stored.block[i]},${stored.offset[i]})"`;
    ids[k] = stored.id[i];
    classes[k] = next.classification[i];
    flags[k] = next.contentious[i] ? "t" : "f";
  }
  // Array literals built here: pg would otherwise format a million parameters one by one.
  const arrays = [`{${ids.join(",")}}`, `{${classes.join(",")}}`, `{${flags.join(",")}}`];
  const { rowCount } = await client.query(
    `${UPDATE_FROM_C}
       FROM unnest($1::tid[], $2::int[], $3::int2[], $4::bool[]) AS c(tid, id, classification, contentious)
      WHERE o.ctid = c.tid AND o.id = c.id`,
    [`{${tids.join(",")}}`, ...arrays],
  );
  if (rowCount === at.length) return;
  await client.query(
    `${UPDATE_FROM_C}
       FROM unnest($1::int[], $2::int2[], $3::bool[]) AS c(id, classification, contentious)
      WHERE o.id = c.id AND o.species_id = $4`,
    [...arrays, speciesId],
  );
}

/**
 * Imports one Darwin Core Archive into a source (docs/sources.md): the archive is read twice,
 * streamed each time. The first pass only checks: an archive with a broken row is refused whole,
 * every broken row reported (the first 100 listed), and nothing is written. The second pass feeds
 * the rows to the ALA sync's writer (lib/sync/writer.ts) under the source's id, notes every id it
 * saw, and at the end deletes the source's records the archive no longer holds: re-uploading a
 * newer version of a dataset is an incremental update.
 */
import type pg from "pg";
import { defaultRules, type Rule } from "@/lib/ratings/rules";
import { DatasetIds } from "@/lib/sync/datasets";
import type { StagedRow } from "@/lib/sync/prepare";
import { SpeciesRefresher } from "@/lib/sync/refresh";
import { Writer } from "@/lib/sync/writer";
import { readRecord, type RecordContext, type Terms } from "../record";
import { SpeciesMatcher, saveUnmatched } from "../species-match";
import { openArchive, type Archive } from "./archive";
import type { CoreDescriptor } from "./meta";

export interface Problem {
  line: number;
  message: string;
}

export interface ImportCounts {
  received: number;
  added: number;
  updated: number;
  deleted: number;
  skipped: number;
  skippedByReason: Record<string, number>;
}

export type ImportResult =
  | ({ ok: true; dataset: Archive["dataset"] } & ImportCounts)
  | { ok: false; error: string; problems: Problem[]; brokenRows: number };

const MAX_PROBLEMS = 100;

/** A term accessor over one row: the column's value, else the field's default, else null. */
function termsOf(core: CoreDescriptor): (fields: string[]) => Terms {
  const byTerm = new Map(core.fields.map((f) => [f.term, f]));
  return (fields) => (term) => {
    const f = byTerm.get(term);
    if (!f) return null;
    const raw = f.index === null ? "" : (fields[f.index] ?? "").trim();
    return raw !== "" ? raw : f.default;
  };
}

function width(core: CoreDescriptor): number {
  return Math.max(core.idIndex ?? -1, ...core.fields.map((f) => f.index ?? -1)) + 1;
}

/** Checks every row; the problems of broken ones. */
async function check(archive: Archive, ctx: RecordContext): Promise<{ problems: Problem[]; broken: number; rows: number }> {
  const terms = termsOf(archive.core);
  const need = width(archive.core);
  const problems: Problem[] = [];
  let broken = 0;
  let rows = 0;
  const report = (line: number, message: string) => {
    broken++;
    if (problems.length < MAX_PROBLEMS) problems.push({ line, message });
  };
  for await (const { line, fields } of archive.rows()) {
    rows++;
    if (fields.length < need) {
      report(line, `the row has ${fields.length} fields where meta.xml needs at least ${need}`);
      continue;
    }
    const id = archive.core.idIndex === null ? null : fields[archive.core.idIndex];
    const result = readRecord(terms(fields), id, ctx);
    if (result.kind === "broken") report(line, result.message);
  }
  return { problems, broken, rows };
}

export interface ImportOptions {
  sourceId: number;
  sourceName: string;
  /** source_runs.id: the key of the ids seen. */
  runId: number;
  rules?: readonly Rule[];
}

export async function importArchive(db: pg.Pool, path: string, o: ImportOptions): Promise<ImportResult> {
  const archive = await openArchive(path);
  try {
    const defaultDataset = { uid: `source:${o.sourceId}`, name: archive.dataset.title ?? o.sourceName, providerName: o.sourceName, license: archive.dataset.license };
    const checked = await check(archive, { species: await SpeciesMatcher.load(db), rules: o.rules ?? defaultRules, defaultDataset });
    if (checked.broken > 0) {
      return {
        ok: false,
        error: `The archive was refused: ${checked.broken.toLocaleString("en")} of ${checked.rows.toLocaleString("en")} rows are broken (listed by line). Nothing was imported.`,
        problems: checked.problems,
        brokenRows: checked.broken,
      };
    }
    const species = await SpeciesMatcher.load(db);
    const ctx: RecordContext = { species, rules: o.rules ?? defaultRules, defaultDataset };
    const counts = await write(db, archive, ctx, o);
    await saveUnmatched(db, o.sourceId, species.unmatched);
    return { ok: true, dataset: archive.dataset, ...counts };
  } finally {
    archive.close();
  }
}

async function write(db: pg.Pool, archive: Archive, ctx: RecordContext, o: ImportOptions): Promise<ImportCounts> {
  const counts: ImportCounts = { received: 0, added: 0, updated: 0, deleted: 0, skipped: 0, skippedByReason: {} };
  const refresher = new SpeciesRefresher(db);
  const writer = new Writer(db, {
    source: o.sourceId,
    onCommitted: (r) => {
      counts.added += r.added;
      counts.updated += r.updated;
      refresher.add(r.touched);
    },
  });
  const datasets = new DatasetIds(db);
  const terms = termsOf(archive.core);
  let batch: { row: StagedRow; dataset: string }[] = [];
  const datasetList = new Map<string, { uid: string; name: string | null; providerName: string | null; license: string | null }>();
  const flush = async () => {
    if (!batch.length) return;
    await datasets.resolve(datasetList.values());
    datasetList.clear();
    const rows = batch.map((b) => ({ ...b.row, datasetId: datasets.get(b.dataset) ?? null }));
    batch = [];
    await db.query(
      "INSERT INTO source_import_seen (run_id, source_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING",
      [o.runId, rows.map((r) => r.sourceId)],
    );
    await writer.add(rows);
  };
  try {
    for await (const { fields } of archive.rows()) {
      counts.received++;
      const id = archive.core.idIndex === null ? null : fields[archive.core.idIndex];
      const result = readRecord(terms(fields), id, ctx);
      if (result.kind === "broken") throw new Error(`the archive changed while it was read: ${result.message}`);
      if (result.kind === "skip") {
        counts.skipped++;
        counts.skippedByReason[result.reason] = (counts.skippedByReason[result.reason] ?? 0) + 1;
        continue;
      }
      if (result.dataset) datasetList.set(result.dataset.uid, result.dataset);
      batch.push({ row: result.row, dataset: result.dataset?.uid ?? "" });
      if (batch.length >= 2000) await flush();
    }
    await flush();
    await writer.flush();
    // Records of this source the archive no longer holds are gone from the dataset.
    const { rows } = await db.query<{ species_id: number; n: number }>(
      `WITH d AS (
         DELETE FROM occurrences o WHERE o.source = $1
           AND NOT EXISTS (SELECT 1 FROM source_import_seen s WHERE s.run_id = $2 AND s.source_id = o.source_id)
         RETURNING species_id)
       SELECT species_id, count(*)::int AS n FROM d GROUP BY species_id`,
      [o.sourceId, o.runId],
    );
    for (const r of rows) counts.deleted += r.n;
    refresher.add(rows.map((r) => r.species_id));
    await refresher.refresh();
    return counts;
  } finally {
    await db.query("DELETE FROM source_import_seen WHERE run_id = $1", [o.runId]).catch(() => undefined);
  }
}

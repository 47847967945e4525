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
import type { CoreDescriptor, DatasetMetadata } from "./meta";

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

/** Rows of records from any reader: an archive's core, a GBIF SIMPLE_CSV download. */
export interface RecordRows {
  /** Each row with its terms and core id, numbered by line; `problem` when it cannot be read at all. */
  rows(): AsyncGenerator<{ line: number; terms: Terms; id: string | null; problem: string | null }>;
}

/** The archive's core rows as terms; a row too short for meta.xml's columns is a problem. */
export function archiveRows(archive: Archive): RecordRows {
  const terms = termsOf(archive.core);
  const need = width(archive.core);
  return {
    async *rows() {
      for await (const { line, fields } of archive.rows()) {
        const problem = fields.badQuote
          ? "a field has text after its closing quote: the row, and maybe the next, cannot be read"
          : fields.length < need
            ? `the row has ${fields.length} fields where meta.xml needs at least ${need}`
            : null;
        yield { line, terms: terms(fields), id: archive.core.idIndex === null ? null : fields[archive.core.idIndex], problem };
      }
    },
  };
}

/** Checks every row; the problems of broken ones. */
async function check(input: RecordRows, ctx: RecordContext): Promise<{ problems: Problem[]; broken: number; rows: number }> {
  const problems: Problem[] = [];
  let broken = 0;
  let rows = 0;
  const report = (line: number, message: string) => {
    broken++;
    if (problems.length < MAX_PROBLEMS) problems.push({ line, message });
  };
  for await (const { line, terms, id, problem } of input.rows()) {
    rows++;
    if (problem) {
      report(line, problem);
      continue;
    }
    const result = readRecord(terms, id, ctx);
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
  /** An incremental read holds only what changed: records it did not see are kept, not deleted. */
  partial?: boolean;
  /** The record's identity in its source when that is not its occurrenceID (GBIF: gbifID). */
  sourceKey?: RecordContext["sourceKey"];
  /** What a refusal calls the input ("archive", "download"). */
  noun?: string;
  /**
   * Aborts when the run's locks are lost (lib/sync/lock.ts `lost`): another process may then start
   * an import, so this one stops before its next batch and never deletes records after it.
   */
  signal?: AbortSignal;
}

export async function importArchive(db: pg.Pool, path: string, o: ImportOptions): Promise<ImportResult> {
  const archive = await openArchive(path);
  try {
    return await importRecords(db, archiveRows(archive), archive.dataset, o);
  } finally {
    archive.close();
  }
}

/**
 * Checks every row, then (when none is broken) writes them: the import of an archive and of a
 * GBIF download alike. `dataset` is the input's own (rows without a datasetID belong to it).
 */
export async function importRecords(db: pg.Pool, input: RecordRows, dataset: DatasetMetadata, o: ImportOptions): Promise<ImportResult> {
  const defaultDataset = { uid: `source:${o.sourceId}`, name: dataset.title ?? o.sourceName, providerName: o.sourceName, license: dataset.license };
  const context = async (): Promise<RecordContext> => ({ species: await SpeciesMatcher.load(db), rules: o.rules ?? defaultRules, defaultDataset, sourceKey: o.sourceKey });
  const checked = await check(input, await context());
  if (checked.broken > 0) {
    return {
      ok: false,
      error: `The ${o.noun ?? "archive"} was refused: ${checked.broken.toLocaleString("en")} of ${checked.rows.toLocaleString("en")} rows are broken (listed by line). Nothing was imported.`,
      problems: checked.problems,
      brokenRows: checked.broken,
    };
  }
  const ctx = await context();
  const counts = await write(db, input, ctx, o);
  await saveUnmatched(db, o.sourceId, ctx.species.unmatched, { partial: o.partial });
  return { ok: true, dataset, ...counts };
}

async function write(db: pg.Pool, input: RecordRows, ctx: RecordContext, o: ImportOptions): Promise<ImportCounts> {
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
  let batch: { row: StagedRow; dataset: string }[] = [];
  const datasetList = new Map<string, { uid: string; name: string | null; providerName: string | null; license: string | null }>();
  const flush = async () => {
    if (!batch.length) return;
    o.signal?.throwIfAborted();
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
    for await (const { terms, id, problem } of input.rows()) {
      counts.received++;
      const result = problem ? ({ kind: "broken", message: problem } as const) : readRecord(terms, id, ctx);
      if (result.kind === "broken") throw new Error(`the ${o.noun ?? "archive"} changed while it was read: ${result.message}`);
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
    o.signal?.throwIfAborted();
    if (o.partial) {
      await refresher.refresh();
      return counts;
    }
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

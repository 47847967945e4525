/**
 * The sources table (docs/sources.md): add, list, remove. Settings are checked per kind with zod;
 * credentials are stored encrypted (./secrets.ts) and never listed. Source 1, the ALA, is
 * configured by the environment and cannot be removed.
 */
import parser from "cron-parser";
import type pg from "pg";
import { z } from "zod";
import { transaction } from "@/lib/db/transaction";
import { encryptCredentials } from "./secrets";
import { sourceLockHeldSql } from "./source-lock";

export const SOURCE_KINDS = ["living_atlas", "dwca", "gbif"] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];
export const ALA_SOURCE_ID = 1;

const cron = z
  .string()
  .trim()
  .regex(/^(\S+\s+){4}\S+$/, "must be a five-field cron expression like '0 4 * * *'")
  .refine((v) => {
    try {
      parser.parseExpression(v).next();
      return true;
    } catch {
      return false;
    }
  }, "is not a valid cron expression (like '0 4 * * *')")
  .nullable()
  .default(null);

export const settingsSchemas = {
  dwca: z.object({ location: z.string().trim().min(1, "give the archive's path or http(s) URL") }).strict(),
  living_atlas: z
    .object({
      biocacheUrl: z.url({ protocol: /^https?$/ }),
      imagesUrl: z.url({ protocol: /^https?$/ }).optional(),
      email: z.email().optional(),
      fieldStyle: z.enum(["current", "legacy"]).default("current"),
    })
    .strict(),
  gbif: z
    .object({
      apiUrl: z.url({ protocol: /^https?$/ }).default("https://api.gbif.org/v1"),
      /** An occurrence download predicate beyond the birds filter (GBIF's JSON predicate). */
      predicate: z.record(z.string(), z.unknown()).optional(),
      /** SIMPLE_CSV (the interpreted columns, smallest) or DWCA (a Darwin Core Archive). */
      format: z.enum(["SIMPLE_CSV", "DWCA"]).default("SIMPLE_CSV"),
      /** A full run, which also deletes records GBIF no longer has, at least this often; incremental runs between. */
      fullEveryDays: z.number().int().min(1).max(365).default(7),
    })
    .strict(),
} satisfies Record<SourceKind, z.ZodType>;

export const newSourceSchema = z.object({
  kind: z.enum(SOURCE_KINDS),
  name: z.string().trim().min(1).max(100),
  settings: z.record(z.string(), z.unknown()).default({}),
  credentials: z.record(z.string(), z.string()).optional(),
  cron,
});
export type NewSource = z.input<typeof newSourceSchema>;

export interface Source {
  id: number;
  kind: SourceKind;
  name: string;
  settings: Record<string, unknown>;
  hasCredentials: boolean;
  cron: string | null;
  enabled: boolean;
  lastImportAt: Date | null;
  records: number;
  lastRun: SourceRunView | null;
}

export interface SourceRunView {
  id: number;
  /** waiting (a GBIF run: for its download, or for the sync lock once it is ready) | running | succeeded | failed */
  status: string;
  startedAt: Date;
  finishedAt: Date | null;
  added: number;
  updated: number;
  deleted: number;
  skipped: number;
  error: string | null;
  /** A GBIF run's download: its key, GBIF's last status of it, and when it was asked for (how long it has waited). */
  download: { key: string; status: string | null; requestedAt: Date | null } | null;
  /** Still waiting or running, but its process stopped (nobody holds the source's lock): the next run takes over. */
  interrupted: boolean;
}

export class SourceError extends Error {
  constructor(
    readonly code: "invalid_source" | "source_exists" | "unknown_source" | "source_protected",
    message: string,
  ) {
    super(message);
  }
}

export async function addSource(db: pg.Pool, input: NewSource): Promise<Source> {
  const parsed = newSourceSchema.safeParse(input);
  if (!parsed.success) throw new SourceError("invalid_source", parsed.error.issues.map((i) => `${i.path.join(".") || "source"}: ${i.message}`).join("; "));
  const { kind, name, credentials, cron: schedule } = parsed.data;
  const settings = settingsSchemas[kind].safeParse(parsed.data.settings);
  if (!settings.success) throw new SourceError("invalid_source", settings.error.issues.map((i) => `settings.${i.path.join(".")}: ${i.message}`).join("; "));
  try {
    const { rows } = await db.query<{ id: number }>(
      "INSERT INTO sources (kind, name, settings, credentials, cron) VALUES ($1, $2, $3, $4, $5) RETURNING id",
      [kind, name, settings.data, credentials ? encryptCredentials(credentials) : null, schedule],
    );
    return (await getSource(db, rows[0].id))!;
  } catch (error) {
    if ((error as { code?: string }).code === "23505") throw new SourceError("source_exists", `A source named "${name}" exists already.`);
    throw error;
  }
}

const SELECT = `
SELECT s.id, s.kind, s.name, s.settings, s.credentials IS NOT NULL AS has_credentials, s.cron, s.enabled, s.last_import_at,
       -- Tens of millions are not recounted on every look: each source's last successful run's count.
       coalesce(CASE WHEN s.id = 1
         THEN (SELECT local_total::int FROM sync_runs WHERE status = 'succeeded' AND source_id = 1 ORDER BY id DESC LIMIT 1)
         ELSE (SELECT records FROM source_runs WHERE source_id = s.id AND status = 'succeeded' ORDER BY id DESC LIMIT 1) END, 0) AS records,
       r.id AS run_id, r.status, r.started_at, r.finished_at, r.added, r.updated, r.deleted, r.skipped, r.error,
       r.download_key, r.download_status, r.waiting_since,
       r.status IN ('waiting', 'running') AND NOT ${sourceLockHeldSql("s.id")} AS interrupted
FROM sources s
LEFT JOIN LATERAL (SELECT * FROM source_runs WHERE source_id = s.id ORDER BY id DESC LIMIT 1) r ON true`;

type Row = {
  id: number;
  kind: SourceKind;
  name: string;
  settings: Record<string, unknown>;
  has_credentials: boolean;
  cron: string | null;
  enabled: boolean;
  last_import_at: Date | null;
  records: number;
  run_id: number | null;
  status: string;
  started_at: Date;
  finished_at: Date | null;
  added: number;
  updated: number;
  deleted: number;
  skipped: number;
  error: string | null;
  download_key: string | null;
  download_status: string | null;
  waiting_since: Date | null;
  interrupted: boolean | null;
};

function toSource(r: Row): Source {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    settings: r.settings,
    hasCredentials: r.has_credentials,
    cron: r.cron,
    enabled: r.enabled,
    lastImportAt: r.last_import_at,
    records: r.records,
    lastRun:
      r.run_id === null
        ? null
        : {
            id: r.run_id,
            status: r.status,
            startedAt: r.started_at,
            finishedAt: r.finished_at,
            added: r.added,
            updated: r.updated,
            deleted: r.deleted,
            skipped: r.skipped,
            error: r.error,
            download: r.download_key ? { key: r.download_key, status: r.download_status, requestedAt: r.waiting_since } : null,
            interrupted: r.interrupted === true,
          },
  };
}

export async function listSources(db: pg.Pool): Promise<Source[]> {
  const { rows } = await db.query<Row>(`${SELECT} ORDER BY s.id`);
  return rows.map(toSource);
}

export async function getSource(db: pg.Pool, id: number): Promise<Source | null> {
  const { rows } = await db.query<Row>(`${SELECT} WHERE s.id = $1`, [id]);
  return rows[0] ? toSource(rows[0]) : null;
}

export async function findSource(db: pg.Pool, idOrName: string): Promise<Source | null> {
  const { rows } = await db.query<{ id: number }>("SELECT id FROM sources WHERE name = $1 OR id::text = $1 ORDER BY name = $1 DESC LIMIT 1", [idOrName]);
  return rows[0] ? getSource(db, rows[0].id) : null;
}

/** Removes a source and every record of it; returns the species that lost records. */
export async function removeSource(db: pg.Pool, id: number): Promise<{ deleted: number; species: number[] }> {
  if (id === ALA_SOURCE_ID) throw new SourceError("source_protected", "The ALA is configured by the environment (ALA_BIOCACHE_URL) and cannot be removed.");
  return transaction(async (client) => {
    const found = await client.query("SELECT 1 FROM sources WHERE id = $1 FOR UPDATE", [id]);
    if (!found.rowCount) throw new SourceError("unknown_source", `There is no source ${id}.`);
    const { rows } = await client.query<{ species_id: number; n: number }>(
      `WITH d AS (DELETE FROM occurrences WHERE source = $1 RETURNING species_id) SELECT species_id, count(*)::int AS n FROM d GROUP BY species_id`,
      [id],
    );
    await client.query("DELETE FROM sources WHERE id = $1", [id]);
    return { deleted: rows.reduce((a, r) => a + r.n, 0), species: rows.map((r) => r.species_id) };
  }, db);
}

/** What anyone may see of the sources: the map's source filter. Never settings or credentials. */
export async function publicSources(db: pg.Pool): Promise<{ id: number; name: string; kind: SourceKind }[]> {
  const { rows } = await db.query<{ id: number; name: string; kind: SourceKind }>("SELECT id, name, kind FROM sources WHERE enabled ORDER BY id");
  return rows;
}

/**
 * The admin console's source operations, HTTP-shaped (HttpError with the contract's codes) but
 * without Next.js: list with unmatched names, add, remove, sync now or from an upload, map a name.
 */
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { z } from "zod";
import { pool } from "@/lib/db/pool";
import { HttpError } from "@/lib/http/respond";
import { openArchive } from "./dwca/archive";
import { ArchiveError } from "./dwca/meta";
import { enqueueSourceSync, uploadsDir } from "./jobs";
import { addSource, getSource, listSources, SourceError, type NewSource, type Source } from "./registry";
import { removeSourceAndRecords } from "./remove";
import { mapName } from "./species-match";

export const sourceIdSchema = z.string().regex(/^\d{1,5}$/, "must be a source id").transform(Number);
export const mapNameSchema = z.object({ name: z.string().trim().min(1).max(300), speciesId: z.number().int().positive() }).strict();

const STATUS: Record<SourceError["code"], number> = { invalid_source: 400, source_exists: 409, unknown_source: 404, source_protected: 409 };

function http(error: unknown): never {
  if (error instanceof SourceError) throw new HttpError(STATUS[error.code], error.code, error.message);
  throw error;
}

export interface SourcesView {
  sources: Source[];
  unmatched: { sourceId: number; name: string; nameKey: string; records: number }[];
  problems: { sourceId: number; runId: number; problems: { line: number; message: string }[] }[];
}

export async function sourcesView(): Promise<SourcesView> {
  const sources = await listSources(pool());
  const unmatched = await pool().query<{ source_id: number; name: string; name_key: string; records: number }>(
    "SELECT source_id, name, name_key, records FROM source_unmatched_names ORDER BY records DESC, name_key LIMIT 500",
  );
  // The rows a refused archive was refused for, for each source whose last run was refused.
  const problems = await pool().query<{ source_id: number; id: number; problems: { line: number; message: string }[] }>(
    `SELECT DISTINCT ON (source_id) source_id, id, problems FROM source_runs ORDER BY source_id, id DESC`,
  );
  return {
    sources,
    unmatched: unmatched.rows.map((r) => ({ sourceId: r.source_id, name: r.name, nameKey: r.name_key, records: r.records })),
    problems: problems.rows.filter((r) => r.problems.length).map((r) => ({ sourceId: r.source_id, runId: r.id, problems: r.problems })),
  };
}

export async function createSource(input: NewSource): Promise<Source> {
  return addSource(pool(), input).catch(http);
}

export async function deleteSource(id: number): Promise<void> {
  await removeSourceAndRecords(pool(), id).catch(http);
}

/** Queues an import; with `body`, the uploaded archive (streamed to disk, never held whole). */
export async function syncSource(id: number, body: ReadableStream<Uint8Array> | null): Promise<void> {
  const source = await getSource(pool(), id);
  if (!source) throw new HttpError(404, "unknown_source", `There is no source ${id}.`);
  if (source.id === 1) throw new HttpError(409, "source_protected", "The ALA syncs through POST /api/admin/sync.");
  let file: string | undefined;
  if (body) {
    if (source.kind !== "dwca") throw new HttpError(400, "invalid_upload", `Only Darwin Core Archive sources take an upload; ${source.name} is ${source.kind}.`);
    fs.mkdirSync(uploadsDir(), { recursive: true });
    file = path.join(uploadsDir(), `source-${id}-${Date.now()}-${randomBytes(4).toString("hex")}.zip`);
    await pipeline(Readable.fromWeb(body as import("node:stream/web").ReadableStream), fs.createWriteStream(file));
    if (fs.statSync(file).size === 0) {
      fs.rmSync(file);
      throw new HttpError(400, "invalid_upload", "The upload is empty: send the archive (a .zip) as the request body.");
    }
    await refuseUnreadableArchive(file);
  } else if (source.kind === "dwca" && !source.settings.location) {
    throw new HttpError(400, "invalid_upload", `${source.name} has no archive location: upload one.`);
  }
  await enqueueSourceSync({ sourceId: id, file });
}

/**
 * An upload that is no Darwin Core Archive (not a zip, no meta.xml, no core file) is refused now,
 * with the reason, and nothing is queued or kept: it could never be imported.
 */
async function refuseUnreadableArchive(file: string): Promise<void> {
  try {
    (await openArchive(file)).close();
  } catch (error) {
    fs.rmSync(file, { force: true });
    if (error instanceof ArchiveError) throw new HttpError(400, "invalid_upload", `The upload is not a Darwin Core Archive: ${error.message}.`);
    throw error;
  }
}

export async function mapUnmatchedName(input: z.infer<typeof mapNameSchema>): Promise<void> {
  if (!(await mapName(pool(), input.name, input.speciesId))) throw new HttpError(404, "unknown_species", `There is no species ${input.speciesId}.`);
}

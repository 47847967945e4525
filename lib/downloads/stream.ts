/**
 * GET /api/species/{id}/occurrences?format=csv|geojson: a species' records under the filters,
 * streamed batch by batch from a cursor (a million records are never in memory at once).
 */
import { z } from "zod";
import { pool } from "@/lib/db/pool";
import { filterCondition, type RecordFilters } from "@/lib/occurrences/filters";
import { COLUMNS, DOWNLOAD_FROM, DOWNLOAD_SELECT, type DownloadRow, type DownloadSpecies } from "./columns";
import { csvLine } from "./csv";
import { cursorBatches } from "./cursor";
import { GEOJSON_END, GEOJSON_START, geojsonFeature } from "./geojson";

export const downloadFormat = z.enum(["csv", "geojson"], { message: 'must be "csv" or "geojson"' });
export type DownloadFormat = z.infer<typeof downloadFormat>;

export interface Download {
  filename: string;
  contentType: string;
  body: ReadableStream<Uint8Array>;
}

const CONTENT_TYPES: Record<DownloadFormat, string> = { csv: "text/csv; charset=utf-8", geojson: "application/geo+json" };

/** "Malurus cyaneus" → "malurus-cyaneus": safe in any file system and header. */
export function slug(name: string): string {
  return name.normalize("NFKD").replace(/[^\w\s-]/g, "").trim().toLowerCase().replace(/[\s_-]+/g, "-") || "species";
}

/** The download, or null when there is no such species. Nothing is read until the body is. */
export async function downloadOccurrences(speciesId: number, format: DownloadFormat, filters: RecordFilters, batchSize?: number): Promise<Download | null> {
  const { rows } = await pool().query<DownloadSpecies>(
    `SELECT guid, scientific_name AS "scientificName", common_name AS "commonName" FROM species WHERE id = $1`,
    [speciesId],
  );
  const species = rows[0];
  if (!species) return null;
  const condition = filterCondition(speciesId, filters);
  const batches = cursorBatches<DownloadRow>(
    pool(),
    `SELECT ${DOWNLOAD_SELECT} FROM ${DOWNLOAD_FROM} WHERE ${condition.sql}`,
    condition.params,
    batchSize,
  );
  const encoder = new TextEncoder();
  let first = true;
  const encodeBatch = (batch: DownloadRow[]): string => {
    if (format === "csv") return batch.map((r) => csvLine(COLUMNS.map((c) => c.value(r, species)))).join("");
    const features = batch.map((r) => geojsonFeature(r.lon, r.lat, Object.fromEntries(COLUMNS.map((c) => [c.name, c.value(r, species)]))));
    const text = (first ? "" : ",\n") + features.join(",\n");
    first = false;
    return text;
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(format === "csv" ? csvLine(COLUMNS.map((c) => c.name)) : GEOJSON_START));
    },
    // One batch per pull: the stream asks for more only when its reader has taken what it had.
    async pull(controller) {
      const next = await batches.next();
      if (next.done) {
        if (format === "geojson") controller.enqueue(encoder.encode(GEOJSON_END));
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(encodeBatch(next.value)));
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
  const date = new Date().toISOString().slice(0, 10);
  return {
    filename: `${slug(species.scientificName)}-occurrences-${date}.${format === "csv" ? "csv" : "geojson"}`,
    contentType: CONTENT_TYPES[format],
    body,
  };
}

/**
 * The admin console's range imports (docs/range-imports.md): upload a file as the request body with
 * the import's settings in the query string, list, remove. The CLI does the same without the upload cap.
 */
import { z } from "zod";
import { idParamSchema } from "@/lib/http/ids";
import { HttpError, parseWith, readBytes } from "@/lib/http/respond";
import { importRanges, RangeImportError, removeRangeImport, type RangeImportReport } from "@/lib/ranges/import";
import { RangeFileError, readRangeUpload } from "@/lib/ranges/read";

/** Next.js hands a route at most 10 MB of body behind proxy.ts; larger range maps go through `npm run vettings`. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

const field = z.string().trim().min(1, "is required").max(100, "must be at most 100 characters");
export const rangeUploadQuerySchema = z.strictObject({
  fileName: z
    .string()
    .trim()
    .min(1, "is required")
    .max(255)
    .regex(/\.(geojson|json|zip)$/i, "must end in .geojson, .json or .zip (a shapefile's .shp and .dbf zipped together)"),
  source: z.string().trim().min(1, "is required").max(200, "must be at most 200 characters"),
  nameField: field,
  classField: field,
  qualifierField: z
    .string()
    .trim()
    .max(100)
    .optional()
    .transform((v) => v || undefined),
});

export const rangeImportIdSchema = idParamSchema("must be a range import id");

export async function uploadRangeImport(request: Request): Promise<RangeImportReport> {
  const query = parseWith(rangeUploadQuerySchema, Object.fromEntries(new URL(request.url).searchParams), "invalid_query");
  const bytes = await readBytes(request, MAX_UPLOAD_BYTES);
  if (bytes.byteLength === 0) throw new HttpError(400, "invalid_file", "The request body must be the file's bytes; it is empty.");
  let report: RangeImportReport;
  try {
    report = await importRanges(await readRangeUpload(query.fileName, bytes), { ...query, fileName: query.fileName });
  } catch (err) {
    if (err instanceof RangeFileError || err instanceof RangeImportError) throw new HttpError(400, "invalid_file", `${query.fileName}: ${err.message}.`);
    throw err;
  }
  return report;
}

export async function removeImport(id: number): Promise<{ id: number; removed: number }> {
  try {
    return await removeRangeImport(id);
  } catch (err) {
    if (err instanceof RangeImportError) {
      const gone = /already removed/.test(err.message);
      throw new HttpError(gone ? 409 : 404, gone ? "already_removed" : "not_found", `${err.message.charAt(0).toUpperCase()}${err.message.slice(1)}.`);
    }
    throw err;
  }
}

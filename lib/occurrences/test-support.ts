// Rows for the species, occurrence and download tests, written with plain SQL on the test's pool.
import type pg from "pg";
import { setClassifications } from "@/lib/vetting/states";
import { generated } from "@/lib/vetting/test-states";

export async function addSpecies(
  db: pg.Pool,
  scientificName: string,
  commonName: string | null = null,
  status: "active" | "merged" | "retired" = "active",
): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    "INSERT INTO species (guid, scientific_name, common_name, status) VALUES ($1, $2, $3, $4) RETURNING id",
    [`urn:lsid:test:${scientificName.toLowerCase().replace(/\W+/g, "-")}`, scientificName, commonName, status],
  );
  return rows[0].id;
}

export async function addDataset(db: pg.Pool, uid: string, name: string, providerName: string, license: string): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    "INSERT INTO datasets (uid, name, provider_name, license) VALUES ($1, $2, $3, $4) RETURNING id",
    [uid, name, providerName, license],
  );
  return rows[0].id;
}

export interface RecordSpec {
  lat?: number | null;
  lon?: number | null;
  year?: number | null;
  eventDate?: string | null;
  classification?: number;
  contentious?: boolean;
  duplicateStatus?: number;
  sensitive?: boolean;
  datasetId?: number | null;
  uncertaintyM?: number | null;
  basisOfRecord?: number;
}

export async function addRecord(db: pg.Pool, speciesId: number, r: RecordSpec = {}): Promise<{ id: number; uuid: string }> {
  const classification = r.classification ?? 2;
  const rating = classification === 1 || classification === 4 ? 2 : classification;
  const { rows } = await db.query<{ id: number; uuid: string }>(
    `INSERT INTO occurrences (species_id, source, source_id, lat, lon, year, event_date, basis_of_record, uncertainty_m,
                              duplicate_status, sensitive, dataset_id, rating)
     VALUES ($1, 1, gen_random_uuid(), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id, source_id AS uuid`,
    [
      speciesId,
      r.lat === undefined ? -33.865 : r.lat,
      r.lon === undefined ? 151.209 : r.lon,
      r.year === undefined ? 2001 : r.year,
      r.eventDate ?? null,
      r.basisOfRecord ?? 1,
      r.uncertaintyM ?? null,
      r.duplicateStatus ?? 0,
      r.sensitive ?? false,
      r.datasetId ?? null,
      rating,
    ],
  );
  await setClassifications(db, speciesId, [{ id: rows[0].id, rating, classification, contentious: r.contentious ?? false }]);
  return rows[0];
}

/**
 * n records spread over eastern Australia: years 1950..2019 with every 50th without a year, every
 * category, every 11th a duplicate ('D'), every 13th contentious, every 97th without coordinates.
 */
export async function addManyRecords(db: pg.Pool, speciesId: number, n: number, datasetId: number | null = null): Promise<void> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO occurrences (species_id, source, source_id, lat, lon, year, basis_of_record, duplicate_status, dataset_id, rating)
     SELECT $1, 1, gen_random_uuid(),
       CASE WHEN g % 97 = 0 THEN NULL ELSE -40 + (g % 89) * 0.2 END,
       CASE WHEN g % 97 = 0 THEN NULL ELSE 140 + (g % 83) * 0.15 END,
       CASE WHEN g % 50 = 0 THEN NULL ELSE 1950 + g % 70 END, 1,
       CASE WHEN g % 11 = 0 THEN 3 ELSE 0 END, $3, 2
     FROM generate_series(1, $2) g ORDER BY g
     RETURNING id`,
    [speciesId, n, datasetId],
  );
  await setClassifications(db, speciesId, generated(rows, (g) => [1 + (g % 4), g % 13 === 0]));
}

/**
 * Which species a new vetting is for. Only active species take new vettings: a merged species'
 * records now belong to the accepted one, and a retired species gets no new records.
 */
import { pool } from "@/lib/db/pool";
import { HttpError } from "@/lib/http/respond";

export interface VettableSpecies {
  id: number;
  scientificName: string;
}

interface SpeciesRow {
  id: number;
  scientific_name: string;
  status: string;
  accepted_id: number | null;
  accepted_name: string | null;
  accepted_status: string | null;
}

const SELECT = `SELECT s.id, s.scientific_name, s.status, a.id AS accepted_id, a.scientific_name AS accepted_name, a.status AS accepted_status
                  FROM species s LEFT JOIN species a ON a.id = s.accepted_species_id`;

export async function vettableSpeciesById(id: number): Promise<VettableSpecies> {
  const { rows } = await pool().query<SpeciesRow>(`${SELECT} WHERE s.id = $1`, [id]);
  const row = rows[0];
  if (!row) throw new HttpError(400, "unknown_species", `There is no species with id ${id}.`);
  if (row.status !== "active") {
    const instead = row.accepted_id !== null ? `; vet ${row.accepted_name} (id ${row.accepted_id}) instead` : "";
    throw new HttpError(400, "species_not_active", `${row.scientific_name} is ${row.status}${instead}.`);
  }
  return { id: row.id, scientificName: row.scientific_name };
}

/**
 * By scientific name, case-insensitively, as the ALA-style service names species. A name that was
 * merged into another species means that species (the ALA accepts synonyms the same way).
 */
export async function vettableSpeciesByName(name: string): Promise<VettableSpecies> {
  const { rows } = await pool().query<SpeciesRow>(
    `${SELECT} WHERE lower(s.scientific_name) = lower($1) ORDER BY (s.status = 'active') DESC, s.id`,
    [name.trim()],
  );
  const row = rows[0];
  if (!row) throw new HttpError(400, "unknown_species", `There is no species named "${name.trim().slice(0, 200)}".`);
  if (row.status === "active") return { id: row.id, scientificName: row.scientific_name };
  if (row.status === "merged" && row.accepted_id !== null && row.accepted_status === "active") {
    return { id: row.accepted_id, scientificName: row.accepted_name! };
  }
  throw new HttpError(400, "species_not_active", `${row.scientific_name} is ${row.status} and takes no new vettings.`);
}

export async function speciesExists(id: number): Promise<boolean> {
  const { rowCount } = await pool().query("SELECT 1 FROM species WHERE id = $1", [id]);
  return rowCount === 1;
}

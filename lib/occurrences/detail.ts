/** GET /api/occurrences/{id}: one record with everything its popup shows and the attribution it needs. */
import type { AlaClient } from "@/lib/ala/client";
import { imageOriginalUrl, imageThumbnailUrl } from "@/lib/ala/images";
import { config } from "@/lib/config";
import { pool } from "@/lib/db/pool";
import { BASIS_OF_RECORD, DUPLICATE_STATUS, classificationName, type Classification } from "@/lib/domain/codes";
import { createSyncClient } from "@/lib/sync/client";
import { fetchImageMetadata } from "@/lib/sync/images";
import { vettingCovering, type VettingAttribution } from "./vetting";

export interface OccurrenceImage {
  thumbnailUrl: string | null;
  imageUrl: string | null;
  creator: string | null;
  rightsHolder: string | null;
  /** null: not known (yet); such an image must not be shown. */
  license: string | null;
}

export interface OccurrenceDetail {
  id: number;
  /** The source's record id (the ALA's uuid). */
  uuid: string;
  /** The record at the ALA. */
  sourceUrl: string;
  species: { id: number; guid: string; scientificName: string; commonName: string | null };
  eventDate: string | null;
  year: number | null;
  basisOfRecord: string;
  coordinateUncertaintyInMeters: number | null;
  /** Public position: generalised when `sensitive`. */
  latitude: number | null;
  longitude: number | null;
  sensitive: boolean;
  duplicateStatus: "U" | "R" | "D" | null;
  dataset: { uid: string; name: string | null; providerName: string | null; license: string | null } | null;
  classification: Classification;
  contentious: boolean;
  /** The vetting that set the classification; null when it comes from the record's assertions. */
  vetting: VettingAttribution | null;
  images: OccurrenceImage[];
}

export const ALA_RECORD_URL = "https://biocache.ala.org.au/occurrences/";

export interface DetailOptions {
  /** Asks the images service for licence metadata not fetched yet (the sync fetches it in batches). */
  images?: AlaClient;
  /** The images service's base URL the answer's image URLs point at; ALA_IMAGES_URL unless given. */
  imagesUrl?: string;
}

/** Image metadata is asked for on demand, briefly: a slow images service must not hold up a popup. */
const imagesClient = () => createSyncClient({ retries: 0, timeoutMs: 3_000 });

async function loadRow(id: number) {
  const { rows } = await pool().query(
    `SELECT o.id, o.source_id, o.species_id, s.guid, s.scientific_name, s.common_name, to_char(o.event_date, 'YYYY-MM-DD') AS event_date,
            o.year, o.basis_of_record, o.uncertainty_m, o.lat, o.lon, o.sensitive, o.duplicate_status, o.classification, o.contentious,
            d.uid AS dataset_uid, d.name AS dataset_name, d.provider_name, d.license AS dataset_license,
            i.creator, i.rights_holder, i.license AS image_license, i.image_id, i.fetched_at
       FROM classified_occurrences o
       JOIN species s ON s.id = o.species_id
       LEFT JOIN datasets d ON d.id = o.dataset_id
       LEFT JOIN occurrence_images i ON i.occurrence_id = o.id
      WHERE o.id = $1`,
    [id],
  );
  return rows[0];
}

/**
 * The image's URLs are built now, from the images service's current base: it may have moved since
 * the sync. None until the licence is known, as such an image must not be shown.
 */
function imageOf(r: { image_id: string; creator: string | null; rights_holder: string | null; image_license: string | null }, imagesUrl: string): OccurrenceImage {
  const shown = r.image_license !== null;
  return {
    thumbnailUrl: shown ? imageThumbnailUrl(imagesUrl, r.image_id) : null,
    imageUrl: shown ? imageOriginalUrl(imagesUrl, r.image_id) : null,
    creator: r.creator,
    rightsHolder: r.rights_holder,
    license: r.image_license,
  };
}

/** The record, or null when there is no such record. Only its public position is ever read. */
export async function getOccurrence(id: number, options: DetailOptions = {}): Promise<OccurrenceDetail | null> {
  let r = await loadRow(id);
  if (!r) return null;
  if (r.image_id && !r.fetched_at) {
    // A failure leaves the image without licence (not shown) and pending for the next sync.
    await fetchImageMetadata(pool(), options.images ?? imagesClient(), { occurrenceIds: [id], limit: 1, maxFailures: 1 }).catch(() => undefined);
    r = (await loadRow(id)) ?? r;
  }
  const classification = classificationName(r.classification);
  const vetted = classification === "known_valid" || classification === "known_invalid";
  return {
    id: r.id,
    uuid: r.source_id,
    sourceUrl: ALA_RECORD_URL + encodeURIComponent(r.source_id),
    species: { id: r.species_id, guid: r.guid, scientificName: r.scientific_name, commonName: r.common_name },
    eventDate: r.event_date,
    year: r.year,
    basisOfRecord: BASIS_OF_RECORD[r.basis_of_record] ?? "UNKNOWN",
    coordinateUncertaintyInMeters: r.uncertainty_m,
    latitude: r.lat,
    longitude: r.lon,
    sensitive: r.sensitive,
    duplicateStatus: (DUPLICATE_STATUS[r.duplicate_status] || null) as OccurrenceDetail["duplicateStatus"],
    dataset: r.dataset_uid
      ? { uid: r.dataset_uid, name: r.dataset_name, providerName: r.provider_name, license: r.dataset_license }
      : null,
    classification,
    contentious: r.contentious,
    vetting: vetted && r.lat !== null && r.lon !== null ? await vettingCovering(pool(), r.species_id, r.lon, r.lat) : null,
    images: r.image_id ? [imageOf(r, options.imagesUrl ?? config().ALA_IMAGES_URL)] : [],
  };
}

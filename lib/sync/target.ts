/**
 * What a sync run runs against: the ALA (source 1, configured by the environment) or another
 * Living Atlas source (its own base URL, download account, field style and species matching:
 * lib/sources/living-atlas/target.ts). Everything else of a run is the same code.
 */
import type pg from "pg";
import type { AlaClient } from "@/lib/ala/client";
import { config } from "@/lib/config";
import { SOURCES } from "@/lib/domain/codes";
import type { AtlasSpecies } from "@/lib/sources/living-atlas/species";
import { livingAtlasTarget } from "@/lib/sources/living-atlas/target";
import { createSyncClient } from "./client";

export interface SyncTarget {
  /** sources.id: the records' `source`. */
  sourceId: number;
  client: AlaClient;
  /** The account named in offline download requests. */
  downloadEmail: string | undefined;
  /** The sentence a run fails with when it needs a download and has no account; default: ALA_DOWNLOAD_EMAIL's. */
  missingEmail?: (records: string) => string;
  /** Put before the atlas's data resource uids in `datasets` (its `dr…` are not the ALA's). */
  datasetPrefix: string;
  /** Another atlas: its species matched to Edgar's. Absent for the ALA, whose list is Edgar's species list. */
  atlas?: AtlasSpecies;
}

export async function syncTarget(db: pg.Pool, sourceId: number, client?: AlaClient): Promise<SyncTarget> {
  if (sourceId !== SOURCES.ala) return livingAtlasTarget(db, sourceId, client);
  return { sourceId, client: client ?? createSyncClient(), downloadEmail: config().ALA_DOWNLOAD_EMAIL, datasetPrefix: "" };
}

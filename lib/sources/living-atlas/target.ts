/**
 * A Living Atlas source as a sync target (lib/sync/target.ts): the ALA's client pointed at the
 * source's biocache-service with its field style, its download email, and its species matched to
 * Edgar's (./species.ts).
 */
import type pg from "pg";
import type { AlaClient } from "@/lib/ala/client";
import { createSyncClient } from "@/lib/sync/client";
import type { SyncTarget } from "@/lib/sync/target";
import { getSource, settingsSchemas } from "../registry";
import { AtlasSpecies } from "./species";

export async function livingAtlasTarget(db: pg.Pool, sourceId: number, client?: AlaClient): Promise<SyncTarget> {
  const source = await getSource(db, sourceId);
  if (!source) throw new Error(`source ${sourceId} does not exist`);
  if (source.kind !== "living_atlas") throw new Error(`source "${source.name}" is of kind ${source.kind}: only Living Atlas sources run the ALA sync`);
  const settings = settingsSchemas.living_atlas.parse(source.settings);
  return {
    sourceId,
    // Retries, back-off and time-outs as the ALA's (SYNC_*); the atlas's own URLs and field names.
    client: client ?? createSyncClient({ biocacheUrl: settings.biocacheUrl, imagesUrl: settings.imagesUrl ?? settings.biocacheUrl, fieldStyle: settings.fieldStyle }),
    downloadEmail: settings.email,
    missingEmail: (records) =>
      `The source "${source.name}" has no download email: reading ${records} records needs its offline download service, which asks for the email address of an account registered with that atlas. Add the source again with --email and sync it again.`,
    datasetPrefix: `source${sourceId}:`,
    atlas: await AtlasSpecies.load(db, sourceId),
  };
}

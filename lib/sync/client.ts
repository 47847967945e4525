import { createAlaClient, type AlaClient, type AlaClientOptions } from "@/lib/ala/client";
import { config } from "@/lib/config";

/** The ALA client as configured (ALA_* URLs, SYNC_RETRIES, SYNC_RETRY_BASE_MS, SYNC_REQUEST_TIMEOUT_MS). */
export function createSyncClient(overrides: Partial<AlaClientOptions> = {}): AlaClient {
  const c = config();
  return createAlaClient({
    biocacheUrl: c.ALA_BIOCACHE_URL,
    imagesUrl: c.ALA_IMAGES_URL,
    retries: c.SYNC_RETRIES,
    retryBaseMs: c.SYNC_RETRY_BASE_MS,
    timeoutMs: c.SYNC_REQUEST_TIMEOUT_MS,
    ...overrides,
  });
}

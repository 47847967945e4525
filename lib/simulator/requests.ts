/**
 * How many ALA requests the simulator answered, by endpoint (faulted ones included): what tests
 * read to check what a sync asked for, and the base the fault shares are measured against.
 */

export const ENDPOINTS = [
  "search",
  "facets",
  "occurrence",
  "deleted",
  "assertionCodes",
  "image",
  "imageFile",
  "download",
  "downloadStatus",
  "downloadCancel",
  "downloadFile",
  "other",
] as const;
export type Endpoint = (typeof ENDPOINTS)[number];
export type RequestCounts = Record<Endpoint, number> & { total: number };

/** The endpoint of a path (after the legacy `/ws` prefix was taken off). */
export function endpointOf(path: string): Endpoint {
  if (path === "/occurrences/search") return "search";
  if (path === "/occurrences/facets") return "facets";
  if (path === "/occurrence/deleted") return "deleted";
  if (/^\/occurrence\/[^/]+$/.test(path)) return "occurrence";
  if (path === "/assertions/codes") return "assertionCodes";
  if (/^\/ws\/image\/[^/]+$/.test(path)) return "image";
  if (path.startsWith("/image/") || path.startsWith("/store/")) return "imageFile";
  if (path === "/occurrences/offline/download") return "download";
  if (path.startsWith("/occurrences/offline/status/")) return "downloadStatus";
  if (path.startsWith("/occurrences/offline/cancel/")) return "downloadCancel";
  if (path.startsWith("/biocache-download/")) return "downloadFile";
  return "other";
}

export class RequestLog {
  private readonly counts = new Map<Endpoint, number>();

  count(path: string): void {
    const e = endpointOf(path);
    this.counts.set(e, (this.counts.get(e) ?? 0) + 1);
  }

  snapshot(): RequestCounts {
    const out = Object.fromEntries(ENDPOINTS.map((e) => [e, this.counts.get(e) ?? 0])) as RequestCounts;
    out.total = ENDPOINTS.reduce((n, e) => n + out[e], 0);
    return out;
  }

  reset(): void {
    this.counts.clear();
  }
}

/**
 * GBIF's occurrence download API, as gbif/occurrence's occurrence-ws serves it and gbif-api models
 * it (`PredicateDownloadRequest`, `Download`, `Download.Status`): POST
 * `{apiUrl}/occurrence/download/request` with HTTP Basic auth and the JSON request → 201 and the
 * download key as text; GET `{apiUrl}/occurrence/download/{key}` → the Download JSON; the zip at
 * its `downloadLink` (a redirect to GBIF's file server). Transient failures (network errors,
 * timeouts, 5xx, 429) are retried with exponential back-off; refusals (401/403, a 400 for the
 * request) are not, and say why.
 */
import { setTimeout as sleep } from "node:timers/promises";
import fs from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { z } from "zod";

export const DOWNLOAD_STATUSES = ["PREPARING", "RUNNING", "SUCCEEDED", "CANCELLED", "KILLED", "FAILED", "SUSPENDED", "FILE_ERASED"] as const;
export type DownloadStatus = (typeof DOWNLOAD_STATUSES)[number];

const downloadSchema = z.object({
  key: z.string(),
  status: z.enum(DOWNLOAD_STATUSES),
  downloadLink: z.string().nullish(),
  totalRecords: z.number().nullish(),
  size: z.number().nullish(),
});
export type Download = z.infer<typeof downloadSchema>;

/** GBIF said no and asking again will not change it: bad credentials, a refused request. */
export class GbifRefusedError extends Error {
  override name = "GbifRefusedError";
}

/** GBIF could not be reached or kept failing after every retry. */
export class GbifUnavailableError extends Error {
  override name = "GbifUnavailableError";
}

/** The download's file answered 404: erased or never there. */
export class GbifFileGoneError extends Error {
  override name = "GbifFileGoneError";
}

export interface GbifClientOptions {
  /** e.g. https://api.gbif.org/v1 */
  apiUrl: string;
  username: string;
  password: string;
  retries: number;
  retryBaseMs: number;
  timeoutMs: number;
}

export class GbifClient {
  readonly apiUrl: string;
  private readonly auth: string;

  constructor(private readonly o: GbifClientOptions) {
    this.apiUrl = o.apiUrl.replace(/\/+$/, "");
    this.auth = `Basic ${Buffer.from(`${o.username}:${o.password}`, "utf8").toString("base64")}`;
  }

  /** One HTTP exchange, retried while the failure is transient. `accept` decides the rest. */
  private async call<T>(what: string, send: () => Promise<Response>, accept: (r: Response) => Promise<T>): Promise<T> {
    let last = "";
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await send();
        if (response.status >= 500 || response.status === 429) {
          last = `HTTP ${response.status}`;
          await response.body?.cancel();
        } else {
          return await accept(response);
        }
      } catch (error) {
        if (error instanceof GbifRefusedError || error instanceof GbifFileGoneError) throw error;
        last = (error as Error).message;
      }
      if (attempt >= this.o.retries) throw new GbifUnavailableError(`${what} failed after ${attempt + 1} attempts (${last})`);
      await sleep(this.o.retryBaseMs * 2 ** attempt);
    }
  }

  private refusedCredentials(status: number): GbifRefusedError {
    return new GbifRefusedError(`GBIF refused the credentials of user "${this.o.username}" (HTTP ${status}): check the source's username and password`);
  }

  /** Requests a download; its key. */
  async request(body: Record<string, unknown>): Promise<string> {
    return this.call(
      "The GBIF download request",
      () =>
        fetch(`${this.apiUrl}/occurrence/download/request`, {
          method: "POST",
          headers: { authorization: this.auth, "content-type": "application/json", accept: "text/plain" },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(this.o.timeoutMs),
        }),
      async (r) => {
        const text = (await r.text()).trim();
        if (r.status === 401 || r.status === 403) throw this.refusedCredentials(r.status);
        if (r.status !== 201 && r.status !== 200) throw new GbifRefusedError(`GBIF refused the download request (HTTP ${r.status}): ${text.slice(0, 300)}`);
        if (!/^[\w-]+$/.test(text)) throw new GbifRefusedError(`GBIF answered the download request with "${text.slice(0, 100)}", not a download key`);
        return text;
      },
    );
  }

  async status(key: string): Promise<Download> {
    return this.call(
      `Polling GBIF download ${key}`,
      () => fetch(`${this.apiUrl}/occurrence/download/${encodeURIComponent(key)}`, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(this.o.timeoutMs) }),
      async (r) => {
        if (r.status === 404) throw new GbifFileGoneError(`GBIF knows no download ${key}`);
        if (!r.ok) throw new GbifRefusedError(`GBIF answered HTTP ${r.status} for download ${key}`);
        const parsed = downloadSchema.safeParse(await r.json().catch(() => null));
        // A garbled answer is retried like a gateway error.
        if (!parsed.success) throw new Error(`GBIF's status of download ${key} is not a Download: ${parsed.error.issues[0]?.message}`);
        return parsed.data;
      },
    );
  }

  /** Streams the zip at `link` to `to` (redirects followed). */
  async fetchZip(link: string, to: string): Promise<void> {
    await this.call(
      `Fetching GBIF download ${link}`,
      () => fetch(link, { redirect: "follow", signal: AbortSignal.timeout(Math.max(this.o.timeoutMs, 30 * 60_000)) }),
      async (r) => {
        if (r.status === 404 || r.status === 410) {
          await r.body?.cancel();
          throw new GbifFileGoneError(`the file of the download (${link}) is gone (HTTP ${r.status})`);
        }
        if (!r.ok || !r.body) throw new GbifRefusedError(`the file of the download (${link}) answered HTTP ${r.status}`);
        await pipeline(Readable.fromWeb(r.body as import("node:stream/web").ReadableStream), fs.createWriteStream(to));
      },
    );
  }
}

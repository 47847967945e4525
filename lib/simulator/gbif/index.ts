/**
 * The GBIF simulator: a local stand-in for GBIF's occurrence download API (docs/simulator.md,
 * "GBIF mode"). Its own HTTP server; `url` plays the role of the `gbif` source's `apiUrl`
 * without the `/v1` (the source is given `${url}/v1`).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { World } from "../world";
import { GbifData, type GbifDataOptions } from "./data";
import { GbifDownloads, type GbifDownloadSettings } from "./downloads";
import { createGbifHandler, truth, type GbifContext } from "./server";

/** The account the simulator accepts unless told otherwise. */
export const GBIF_SIMULATOR_USER = { username: "edgar", password: "gbif-simulator" } as const;

export interface GbifSimulatorOptions extends GbifDataOptions {
  port?: number;
  host?: string;
  /** An ALA simulator's world: some records are sightings it holds too. */
  ala?: World;
  downloads?: Partial<GbifDownloadSettings>;
  users?: Record<string, string>;
}

export interface GbifSimulator {
  url: string;
  /** The source's apiUrl: `${url}/v1`. */
  apiUrl: string;
  data: GbifData;
  downloads: GbifDownloads;
  users: Map<string, string>;
  /** The next `n` status polls answer a 5xx. */
  failPolls(n: number): void;
  requests: GbifContext["requests"];
  truth(): ReturnType<typeof truth>;
  close(): Promise<void>;
}

export async function startGbifSimulator(options: GbifSimulatorOptions = {}): Promise<GbifSimulator> {
  const data = new GbifData(options, options.ala);
  let url = "";
  const downloads = new GbifDownloads(data, () => url);
  Object.assign(downloads.settings, options.downloads);
  const users = new Map(Object.entries(options.users ?? { [GBIF_SIMULATOR_USER.username]: GBIF_SIMULATOR_USER.password }));
  const ctx: GbifContext = { data, downloads, users, pollFailures: { remaining: 0, served: 0 }, requests: { request: 0, status: 0, zip: 0, other: 0 } };
  const server = createServer(createGbifHandler(ctx));
  server.keepAliveTimeout = 5_000;
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  url = `http://${host.includes(":") ? `[${host}]` : host}:${(server.address() as AddressInfo).port}`;
  return {
    url,
    apiUrl: `${url}/v1`,
    data,
    downloads,
    users,
    failPolls: (n) => void (ctx.pollFailures.remaining = n),
    requests: ctx.requests,
    truth: () => truth(data),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}

export { GBIF_DOWNLOAD_FAULTS, SIMPLE_CSV_COLUMNS, type GbifDownloadFault, type GbifFormat } from "./downloads";
export type { GbifRecord } from "./data";

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { DEFAULT_DOWNLOAD_SETTINGS, Downloads, type DownloadSettings } from "./downloads";
import { Faults, type FaultConfig } from "./faults";
import { RequestLog } from "./requests";
import { SearchEngine } from "./search";
import { createHandler, PAGE_DEPTH_MAX, type SimulatorContext } from "./server";
import { World, type WorldOptions } from "./world";

/**
 * The ALA simulator: a local stand-in for the biocache and images web services.
 * `url` plays the role of both ALA_BIOCACHE_URL and ALA_IMAGES_URL.
 */

export interface SimulatorOptions extends WorldOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  faults?: FaultConfig;
  /** Search's page depth cap (default 5 000, as the ALA); 0 turns it off. */
  pageDepthMax?: number;
  /** The offline download service's timing and size limit. */
  downloads?: Partial<DownloadSettings>;
}

export interface Simulator {
  url: string;
  world: World;
  faults: Faults;
  /** ALA requests answered so far, by endpoint. */
  requests: RequestLog;
  /** The offline download service: its settings, fault queue and state. */
  downloads: Downloads;
  /** Search's page depth cap; settable while running (0: off). */
  pageDepthMax: number;
  /** Extra records species-id facets count for a species (guid → n) that no search or download returns. */
  countSkew: Map<string, number>;
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const world = await World.create(options);
  world.indexes; // build now rather than on the first request
  const faults = new Faults(world.seed, options.faults);
  let url = "";
  const requests = new RequestLog();
  const engine = new SearchEngine(world);
  const downloads = new Downloads(world, engine, () => url);
  downloads.settings = { ...DEFAULT_DOWNLOAD_SETTINGS, ...options.downloads };
  const ctx: SimulatorContext = {
    world,
    engine,
    faults,
    baseUrl: () => url,
    hung: new Set(),
    requests,
    downloads,
    pageDepthMax: options.pageDepthMax ?? PAGE_DEPTH_MAX,
    countSkew: new Map(),
  };
  const server = createServer(createHandler(ctx));
  server.keepAliveTimeout = 5_000;
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const address = server.address() as AddressInfo;
  url = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
  return {
    url,
    world,
    faults,
    requests,
    downloads,
    countSkew: ctx.countSkew,
    get pageDepthMax() {
      return ctx.pageDepthMax;
    },
    set pageDepthMax(n: number) {
      ctx.pageDepthMax = n;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const res of ctx.hung) res.destroy();
        downloads.close();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

export { World, WorldError } from "./world";
export type { RecordChanges, RecordSelection, SplitOptions, SpeciesSummary, SpeciesTruth, Truth, WorldOptions } from "./world";
export { Faults, FAULT_MODES, parseFaultSpec } from "./faults";
export type { FaultConfig, FaultMode, FaultRule, FaultCounts } from "./faults";
export { MAX_PAGE_SIZE, PAGE_DEPTH_MAX } from "./server";
export { DOWNLOAD_FAULTS, Downloads, type DownloadFault, type DownloadSettings } from "./downloads";
export { ENDPOINTS, RequestLog } from "./requests";
export type { Endpoint, RequestCounts } from "./requests";
export type { ClockChange, ClockState } from "./clock";

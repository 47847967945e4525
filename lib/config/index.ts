import path from "node:path";
import { z } from "zod";
import { accountsEnv, checkAccountsConfig } from "./accounts";

/** Empty strings in the environment mean "unset", except where the contract gives them a meaning. */
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const url = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? fallback : v.trim()))
    .pipe(z.url({ protocol: /^https?$/ }))
    .transform((v) => v.replace(/\/+$/, ""));

const int = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? String(fallback) : v.trim()))
    .pipe(z.string().regex(/^\d+$/, "must be a whole number"))
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const decimal = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? String(fallback) : v.trim()))
    .pipe(z.string().regex(/^\d+(\.\d+)?$/, "must be a number such as 2 or 1.5"))
    .transform(Number)
    .pipe(z.number().min(min).max(max));

/** Five-field cron (minute hour day month weekday); an empty string disables the schedule. */
const cron = z
  .string()
  .optional()
  .transform((v) => (v === undefined ? "0 3 * * *" : v.trim()))
  .refine((v) => v === "" || /^(\S+\s+){4}\S+$/.test(v), "must be a five-field cron expression or empty");

export const envSchema = z.object({
  DATABASE_URL: optionalString.pipe(
    z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL").optional(),
  ),
  DATA_DIR: z
    .string()
    .optional()
    .transform((v) => path.resolve(v === undefined || v.trim() === "" ? ".data" : v.trim())),
  PORT: int(3000, 1, 65535),
  ALA_BIOCACHE_URL: url("https://api.ala.org.au/occurrences"),
  ALA_IMAGES_URL: url("https://images.ala.org.au"),
  SYNC_CRON: cron,
  SYNC_RETRY_BASE_MS: int(10_000, 0, 3_600_000),
  SYNC_RETRIES: int(5, 0, 100),
  /** Species paged at once during a sync. */
  SYNC_CONCURRENCY: int(4, 1, 64),
  /** One ALA request gives up after this long (then it is retried). */
  SYNC_REQUEST_TIMEOUT_MS: int(60_000, 100, 3_600_000),
  /** The registered ALA account named in offline download requests; bulk reads need it. */
  ALA_DOWNLOAD_EMAIL: optionalString.pipe(z.email().optional()),
  /** Logger reason id of offline downloads (ALA logger: 4 = scientific research). */
  ALA_DOWNLOAD_REASON: int(4, 0, 1000),
  /** Search reaches this many records of a query at most (biocache page.depth.max); larger reads use downloads. */
  ALA_PAGE_DEPTH_MAX: int(5000, 1, 1_000_000),
  /** Records per offline download the sync asks for (small species are grouped up to it). */
  SYNC_DOWNLOAD_RECORDS: int(500_000, 1, 100_000_000),
  /** How often a queued or running download's status is asked. */
  SYNC_DOWNLOAD_POLL_MS: int(5_000, 10, 3_600_000),
  /** A download not finished after this long is cancelled and asked for again. */
  SYNC_DOWNLOAD_MAX_WAIT_MS: int(12 * 3_600_000, 100, 7 * 24 * 3_600_000),
  ADMIN_EMAIL: optionalString.pipe(z.email().optional()),
  ADMIN_PASSWORD: optionalString.pipe(z.string().min(8, "must be at least 8 characters").optional()),
  BASEMAP_STYLE_URL: optionalString.pipe(z.url().optional()),
  /** Memory the tile cluster indexes may hold before whole indexes are evicted. */
  TILE_CACHE_MB: int(1024, 16, 65_536),
  /** Secret that signs session cookies; generated into DATA_DIR when unset. */
  AUTH_SECRET: optionalString.pipe(z.string().min(32, "must be at least 32 characters").optional()),
  /** Side of the AOO grid's cells, km (IUCN: 2). */
  DISTRIBUTION_AOO_CELL_KM: decimal(2, 0.1, 100),
  /** Side of the occupancy cells shown on the map, km. */
  DISTRIBUTION_CELL_KM: decimal(10, 1, 1000),
  /** The alpha hull drops Delaunay edges longer than this many mean edge lengths. */
  DISTRIBUTION_ALPHA: decimal(2, 0.1, 100),
  // Vettings out to the ALA (lib/vetting/push.ts): pushed only when both of these are set.
  /** The ALA's vetting service; every new, changed and deleted vetting is POSTed here as JSON. */
  ALA_VETTING_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  /** Sent as `apiKey` in each pushed vetting's JSON. */
  ALA_VETTING_API_KEY: optionalString,
  /** First retry of a failed push after this long, doubling per failure up to the maximum. */
  VETTING_PUSH_RETRY_BASE_MS: int(30_000, 0, 86_400_000),
  VETTING_PUSH_RETRY_MAX_MS: int(3_600_000, 0, 7 * 86_400_000),
  /** One push gives up after this long (then it is retried). */
  VETTING_PUSH_TIMEOUT_MS: int(20_000, 100, 600_000),
  /** How often the worker looks for vettings due to be pushed. */
  VETTING_PUSH_INTERVAL_MS: int(5_000, 10, 3_600_000),
  ...accountsEnv,
  /** Live-update (SSE) streams one web process serves at most; more are told 503 and poll instead. */
  EVENTS_MAX_STREAMS: int(2000, 1, 1_000_000),
  /** Live-update streams one client (signed-in user, else address) holds at most; more are told 429. */
  EVENTS_MAX_PER_CLIENT: int(16, 1, 10_000),
  /** A live-update stream with no event for this long is ended (the browser reconnects by itself). */
  EVENTS_IDLE_SECONDS: int(300, 1, 86_400),
  /** Directory of layer sets (one subdirectory with a layer-set.json each) the worker registers at start. */
  LAYER_SETS_DIR: optionalString.transform((v) => (v === undefined ? undefined : path.resolve(v))),
  /** Suitability models (lib/suitability): background cells drawn from the current layer set. */
  MODEL_BACKGROUND: int(10_000, 100, 1_000_000),
  /** A species is modelled only with more distinct locations (at 0.05°) than this. */
  MODEL_MIN_LOCATIONS: int(20, 2, 100_000),
  /** A model is refitted when at least this percentage of its records that count changed. */
  MODEL_REFIT_PERCENT: decimal(2, 0, 100),
  /** "false": fit only species someone looked at or asked for (the demo), not every species whose records changed. */
  MODEL_FIT_ALL: z
    .enum(["true", "false", ""])
    .optional()
    .transform((v) => v !== "false"),
  /**
   * "true": a reverse proxy in front sets X-Forwarded-For, and Edgar believes it. Off (the
   * default), the web process puts each request's socket address there instead
   * (lib/http/peer-address-hook.mjs), so a client cannot pick its own address for per-client limits.
   */
  TRUST_PROXY: z
    .enum(["true", "false", ""])
    .optional()
    .transform((v) => v === "true"),
  /** Threads one model fit spreads its main fit and cross-validation folds over (lib/suitability/fit.ts). */
  MODEL_FIT_THREADS: int(2, 1, 64),
  // GBIF sources (lib/sources/gbif/): a download's status is polled with back-off.
  /** First wait between polls of a GBIF download's status; it doubles up to GBIF_POLL_MAX_MS. */
  GBIF_POLL_MS: int(10_000, 10, 3_600_000),
  GBIF_POLL_MAX_MS: int(120_000, 10, 3_600_000),
  /** A GBIF download still preparing after this long fails the run; its key is kept for the next run to poll. */
  GBIF_MAX_WAIT_MS: int(6 * 3_600_000, 100, 7 * 24 * 3_600_000),
});

export type Config = z.infer<typeof envSchema>;

export class ConfigError extends Error {}

/** Parses an environment; the error names every offending variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  const config = result.data;
  if ((config.ADMIN_EMAIL === undefined) !== (config.ADMIN_PASSWORD === undefined)) {
    throw new ConfigError("Invalid configuration:\n  ADMIN_EMAIL and ADMIN_PASSWORD must be set together");
  }
  if ((config.ALA_VETTING_URL === undefined) !== (config.ALA_VETTING_API_KEY === undefined)) {
    throw new ConfigError("Invalid configuration:\n  ALA_VETTING_URL and ALA_VETTING_API_KEY must be set together");
  }
  const accountsProblem = checkAccountsConfig(config);
  if (accountsProblem) throw new ConfigError(`Invalid configuration:\n  ${accountsProblem}`);
  return config;
}

let cached: Config | undefined;

/** The process's configuration, parsed once. */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/** For tests that change the environment between cases: the next config() parses it again. */
export function reloadConfig(): void {
  cached = undefined;
}

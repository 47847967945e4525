/**
 * `npm run simulator -- --port P --records N --seed S [--faults 500:0.1,429:0.05] [--deleted-service] [--threads N]`
 * The ALA simulator alone (docs/simulator.md). Prints `ALA simulator listening on <url>` once ready.
 * `--gbif-port P` (0: a free one) also starts the GBIF simulator (lib/simulator/gbif) on its own
 * port, sharing sightings with the ALA world; it prints `GBIF simulator listening on <url>`.
 */
import { parseArgs } from "node:util";
import { log } from "@/lib/log";
import { parseFaultSpec, startSimulator } from "@/lib/simulator";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    host: { type: "string", default: "127.0.0.1" },
    records: { type: "string", default: "50000" },
    seed: { type: "string", default: "1" },
    snapshot: { type: "string" },
    faults: { type: "string" },
    "fault-delay-ms": { type: "string" },
    "retry-after": { type: "string" },
    "deleted-service": { type: "boolean", default: false },
    threads: { type: "string" },
    "page-depth-max": { type: "string" },
    "download-queue-ms": { type: "string" },
    "download-max-records": { type: "string" },
    "taxon-id-prefix": { type: "string" },
    "gbif-port": { type: "string" },
    "gbif-records": { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
  strict: true,
});

if (values.help) {
  console.log(`usage: npm run simulator -- [--port 0] [--host 127.0.0.1] [--records 50000] [--seed 1]
  [--snapshot 2025-06-01T00:00:00Z] [--faults mode:rate[@path],...] [--fault-delay-ms 2000]
  [--retry-after 1] [--deleted-service] [--threads N] [--page-depth-max 5000]
  [--download-queue-ms 200] [--download-max-records 100000000] [--taxon-id-prefix NBNSYS]
  [--gbif-port P [--gbif-records 2000]]   also the GBIF simulator (user edgar, password gbif-simulator)
fault modes: 500 502 503 429 slow hang truncate invalidJson shortPage`);
  process.exit(0);
}

function wholeNumber(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) {
    console.error(`--${name} must be a whole number, got "${text}"`);
    process.exit(2);
  }
  return Number(text);
}

let rules;
try {
  rules = values.faults ? parseFaultSpec(values.faults) : [];
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}

const started = Date.now();
const sim = await startSimulator({
  port: wholeNumber("port", values.port),
  host: values.host,
  records: wholeNumber("records", values.records),
  seed: wholeNumber("seed", values.seed),
  snapshot: values.snapshot,
  deletedService: values["deleted-service"],
  threads: wholeNumber("threads", values.threads),
  pageDepthMax: wholeNumber("page-depth-max", values["page-depth-max"]),
  taxonIdPrefix: values["taxon-id-prefix"],
  downloads: {
    ...(values["download-queue-ms"] !== undefined ? { queueMs: wholeNumber("download-queue-ms", values["download-queue-ms"]) } : {}),
    ...(values["download-max-records"] !== undefined ? { maxRecords: wholeNumber("download-max-records", values["download-max-records"]) } : {}),
  },
  faults: {
    rules,
    delayMs: wholeNumber("fault-delay-ms", values["fault-delay-ms"]),
    retryAfterSeconds: wholeNumber("retry-after", values["retry-after"]),
  },
});
log.info(
  { url: sim.url, records: sim.world.liveCount, seed: sim.world.seed, startupMs: Date.now() - started, rssMb: Math.round(process.memoryUsage().rss / 2 ** 20), faults: rules },
  "ALA simulator started",
);
// A plain line on stdout so scripts can wait for it whatever the log level.
console.log(`ALA simulator listening on ${sim.url}`);

// GBIF mode: its own server, its records sharing some sightings with this ALA world.
const { startGbifSimulator } = await import("@/lib/simulator/gbif");
const gbif =
  values["gbif-port"] === undefined
    ? null
    : await startGbifSimulator({ port: wholeNumber("gbif-port", values["gbif-port"]), host: values.host, records: wholeNumber("gbif-records", values["gbif-records"]), seed: sim.world.seed, ala: sim.world });
if (gbif) console.log(`GBIF simulator listening on ${gbif.url} (source apiUrl ${gbif.apiUrl})`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "ALA simulator stopping");
    Promise.all([sim.close(), gbif?.close()]).then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, "ALA simulator did not close cleanly");
        process.exit(1);
      },
    );
  });
}

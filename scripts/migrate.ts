import { loadConfig, openDatabase } from "./runtime";

/** `npm run db:migrate`: apply pending migrations and exit. */
const db = await openDatabase(loadConfig());
await db.embedded?.stop();
console.log("Database is up to date.");

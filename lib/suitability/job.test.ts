/**
 * The fit-model job on a real database and real GeoTIFF layers, the fit in a real worker thread:
 * a species with enough locations gets a stored, re-predictable model; one with too few gets the
 * clear status; a vetting changing ≥ 2 % of the records that count refits, a smaller change does
 * not; a request refits; a fit left by a dead worker is queued again.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Polygon } from "geojson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addLayerSet } from "@/lib/layers/store";
import { stopQueue } from "@/lib/jobs/queue";
import { parseModel, predict } from "@/lib/model";
import { applyVettings } from "@/lib/vetting/apply";
import { insertRecords, insertSpecies, insertUser, insertVetting } from "@/lib/vetting/test-fixtures";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { handleFitModel } from "./job";
import { northWest, writeTestLayers } from "./test-fixtures";
import { modelState, requeueOrphanedFits, requeueWaiting, requestModel, storedModel } from "./store";

const KI = 4;
const box = (x0: number, y0: number, x1: number, y1: number): Polygon => ({ type: "Polygon", coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] });

let db: TestDatabase;
let root: string;
beforeAll(async () => {
  // A small background keeps each fit (and its four CV refits) short; lib/config reads this on first use.
  process.env.MODEL_BACKGROUND = "600";
  db = await createTestDatabase();
  await insertUser(db.pool, "alice", "expert");
  root = await fs.mkdtemp(path.join(os.tmpdir(), "edgar-fit-"));
  await writeTestLayers(root);
  await addLayerSet({ name: "Current", scenario: "current", year: null, dir: root });
});
afterAll(async () => {
  await stopQueue();
  await db.drop();
  await fs.rm(root, { recursive: true, force: true });
});

describe("fit-model job", () => {
  it("fits a species with enough locations, stores a model that re-predicts, and skips an unchanged one", async () => {
    const sp = await insertSpecies(db.pool, "Modelus fittus");
    await insertRecords(db.pool, sp, northWest(10, 10));
    expect(await handleFitModel({ speciesId: sp })).toBe("fitted");

    const state = await modelState(sp);
    expect(state).toMatchObject({ status: "ready", version: 1, recordsUsed: 100, presenceCells: 100, distinctLocations: 100, failure: null });
    expect(state!.evaluation!.trainingAuc).toBeGreaterThan(0.9);
    expect(state!.evaluation!.contributions.map((c) => c.variable).sort()).toEqual(["rain", "temp"]);
    const stored = await storedModel(sp);
    const model = parseModel(stored!.model);
    // Suitability in the north-west beats the cool, dry south-east.
    expect(model.variables).toEqual(["rain", "temp"]);
    const [nw, se] = predict(model, [[1950, 29.5], [900, 20]], "cloglog");
    expect(nw).toBeGreaterThan(se);

    expect(await handleFitModel({ speciesId: sp })).toBe("unchanged");
    expect((await modelState(sp))!.version).toBe(1);
  });

  it("refits when a vetting changed at least 2 % of the records that count, not for less", async () => {
    const sp = await insertSpecies(db.pool, "Modelus vettus");
    await insertRecords(db.pool, sp, northWest(10, 10));
    expect(await handleFitModel({ speciesId: sp })).toBe("fitted");

    // One record (1 %) made known invalid: no refit.
    await insertVetting(db.pool, sp, "alice", KI, box(140.0, -20.1, 140.1, -20.0));
    await applyVettings(db.pool, sp);
    expect(await handleFitModel({ speciesId: sp })).toBe("unchanged");
    // Three records in all (3 %): refit.
    await insertVetting(db.pool, sp, "alice", KI, box(140.1, -20.1, 140.3, -20.0));
    await applyVettings(db.pool, sp);
    expect(await handleFitModel({ speciesId: sp })).toBe("fitted");
    expect(await modelState(sp)).toMatchObject({ status: "ready", version: 2, recordsUsed: 97 });
  });

  it("refits on request even when nothing changed", async () => {
    const sp = await insertSpecies(db.pool, "Modelus rogatus");
    await insertRecords(db.pool, sp, northWest(6, 6));
    expect(await handleFitModel({ speciesId: sp })).toBe("fitted");
    await requestModel(sp, { requestedBy: "alice" });
    expect(await modelState(sp)).toMatchObject({ status: "queued", version: 1 });
    expect((await modelState(sp))!.requestedAt).toBeInstanceOf(Date);
    // The job itself need not say it was a request: the row does.
    expect(await handleFitModel({ speciesId: sp })).toBe("fitted");
    expect(await modelState(sp)).toMatchObject({ status: "ready", version: 2, requestedAt: null });
  });

  it("gives species with too few locations the clear status, not a poor model", async () => {
    const sp = await insertSpecies(db.pool, "Modelus rarus");
    // 20 distinct locations (the rule is more than 20), many records at each.
    const few = northWest(4, 5).flatMap((r) => [r, r, r]);
    await insertRecords(db.pool, sp, few);
    expect(await handleFitModel({ speciesId: sp })).toBe("not_enough_records");
    expect(await modelState(sp)).toMatchObject({ status: "not_enough_records", version: 0, recordsUsed: 60, distinctLocations: 20 });
    expect((await modelState(sp))!.failure).toMatch(/20 distinct locations at 0\.05°; a model needs more than 20/);
    expect(await storedModel(sp)).toBeNull();
  });

  it("queues again a fit left by a dead worker, and leaves a live one alone", async () => {
    const dead = await insertSpecies(db.pool, "Modelus orphanus");
    const silent = await insertSpecies(db.pool, "Modelus silens");
    const alive = await insertSpecies(db.pool, "Modelus vivus");
    await db.pool.query(
      `INSERT INTO species_models (species_id, status, worker, heartbeat_at) VALUES
         ($1, 2, $4, now()), ($2, 2, 'elsewhere:1', now() - interval '10 minutes'), ($3, 2, 'elsewhere:2', now())`,
      [dead, silent, alive, `${os.hostname()}:2147483646`],
    );
    expect((await requeueOrphanedFits()).sort()).toEqual([dead, silent].sort());
    expect((await modelState(dead))!.status).toBe("queued");
    expect((await modelState(silent))!.status).toBe("queued");
    expect((await modelState(alive))!.status).toBe("fitting");
    const jobs = await db.pool.query("SELECT data FROM pgboss.job WHERE name = 'fit-model'");
    expect(jobs.rows.map((r) => r.data.speciesId)).toEqual(expect.arrayContaining([dead, silent]));
  });

  it("gives a species left queued without a job one at worker start, without doubling a waiting one", async () => {
    const waiting = await insertSpecies(db.pool, "Modelus exspectans");
    await db.pool.query("INSERT INTO species_models (species_id, status) VALUES ($1, 1)", [waiting]);
    const count = async () => Number((await db.pool.query("SELECT count(*) FROM pgboss.job WHERE name = 'fit-model' AND state = 'created' AND data->>'speciesId' = $1", [String(waiting)])).rows[0].count);
    expect(await count()).toBe(0);
    expect(await requeueWaiting()).toBeGreaterThanOrEqual(1);
    await requeueWaiting();
    expect(await count()).toBe(1);
  });
});

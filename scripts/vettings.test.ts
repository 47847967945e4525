/**
 * `npm run vettings` as an operator runs it: a child process on a real database, judged by its exit
 * code, its output and what it left in the database.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { squarePolygon } from "@/lib/geometry/validate-fixtures";
import { clockwiseSquare, shapefile } from "@/lib/ranges/test-shapefile";
import { spawnTs } from "@/lib/sync/test-support";
import { insertSpecies } from "@/lib/vetting/test-fixtures";
import { createTestDatabase, type TestDatabase } from "@/test/db";

let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  db = await createTestDatabase();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "edgar-vettings-cli-"));
  await insertSpecies(db.pool, "Cacatua galerita");
});
afterAll(async () => {
  await db.drop();
  await fs.rm(dir, { recursive: true, force: true });
});

async function vettings(...args: string[]) {
  const child = spawnTs("scripts/vettings.ts", args, { DATABASE_URL: db.url, DATA_DIR: dir });
  const code = await child.exited;
  return { code, stdout: child.stdout(), stderr: child.stderr() };
}

// Each case starts tsx child processes (seconds each on a loaded machine), so these get more than the default minute.
describe("npm run vettings", { timeout: 240_000 }, () => {
  it("refuses bad arguments with exit code 2 and says why", async () => {
    const cases: [string[], RegExp][] = [
      [[], /a command is needed/],
      [["import"], /import needs exactly one file/],
      [["import", "x.geojson", "--source", "B", "--class-field", "c"], /import needs --name-field/],
      [["remove-import", "abc"], /remove-import needs the import's id/],
      [["frobnicate"], /unknown command "frobnicate"/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await vettings(...args);
      expect(code, args.join(" ")).toBe(2);
      expect(stderr).toMatch(message);
    }
  });

  it("imports a shapefile, lists the import, and removes it as a set", async () => {
    const { shp, dbf } = shapefile([
      { rings: [clockwiseSquare(140, -30, 142, -28)], attributes: { SCI_NAME: "Cacatua galerita", RANGE_T: "core" } },
      { rings: [clockwiseSquare(140, -30, 142, -28)], attributes: { SCI_NAME: "Dodo ineptus", RANGE_T: "core" } },
    ]);
    await fs.writeFile(path.join(dir, "birdlife.shp"), shp);
    await fs.writeFile(path.join(dir, "birdlife.dbf"), dbf);
    const imported = await vettings("import", path.join(dir, "birdlife.shp"), "--source", "BirdLife Australia", "--name-field", "SCI_NAME", "--class-field", "RANGE_T");
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/^Range import (\d+) by BirdLife Australia: 1 vettings for 1 species from 2 features\./);
    expect(imported.stdout).toContain("1 names match no species (not imported):\n  Dodo ineptus (1 feature)");
    const id = /^Range import (\d+)/.exec(imported.stdout)![1];

    const listed = await vettings("imports", "--json");
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id: Number(id), fileName: "birdlife.shp", liveVettings: 1 })]);

    const removed = await vettings("remove-import", id);
    expect(removed).toMatchObject({ code: 0, stdout: `Removed range import ${id}: 1 vettings deleted.\n` });
    const again = await vettings("remove-import", id);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already removed/);
  });

  it("fails with exit code 1 and the reason for an unreadable file or nothing to import", async () => {
    await fs.writeFile(path.join(dir, "broken.geojson"), "{ not json");
    const broken = await vettings("import", path.join(dir, "broken.geojson"), "--source", "S", "--name-field", "n", "--class-field", "c");
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/the file is not JSON/);

    await fs.writeFile(
      path.join(dir, "none.geojson"),
      JSON.stringify({ type: "FeatureCollection", features: [{ type: "Feature", properties: { n: "Dodo ineptus", c: "core" }, geometry: squarePolygon(57, -21, 58, -20) }] }),
    );
    const none = await vettings("import", path.join(dir, "none.geojson"), "--source", "S", "--name-field", "n", "--class-field", "c");
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/^Nothing imported/);
    expect((await db.pool.query("SELECT count(*)::int AS n FROM range_imports")).rows[0].n).toBe(1);
  });
});

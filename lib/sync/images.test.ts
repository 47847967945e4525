import { readFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAlaClient } from "@/lib/ala/client";
import { addRecord, addSpecies } from "@/lib/occurrences/test-support";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { fetchImageMetadata } from "./images";

let db: TestDatabase;
let server: http.Server;
let url: string;

beforeAll(async () => {
  db = await createTestDatabase();
  // The images service answering its recorded shape: licence blank, the recognised licence given.
  const recorded = await readFile(new URL("../ala/fixtures/ws-image.json", import.meta.url), "utf8");
  server = http.createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(recorded);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await db.drop();
});

describe("image metadata", () => {
  it("stores creator, rights holder and the recognised licence when the licence text is blank", async () => {
    const species = await addSpecies(db.pool, "Malurus cyaneus", "Superb Fairy-wren");
    const { id } = await addRecord(db.pool, species);
    await db.pool.query("INSERT INTO occurrence_images (occurrence_id, image_id) VALUES ($1, '3f2c1a6e-8d4b-4c1e-9a7f-2b5d6e8f0a19')", [id]);
    const client = createAlaClient({ biocacheUrl: url, imagesUrl: url, retries: 0, retryBaseMs: 1, timeoutMs: 2_000 });
    expect(await fetchImageMetadata(db.pool, client)).toEqual({ fetched: 1, unknown: 0, failed: 0 });
    const { rows } = await db.pool.query("SELECT creator, rights_holder, license, fetched_at IS NOT NULL AS fetched FROM occurrence_images");
    expect(rows).toEqual([{ creator: "Jürgen <b>Müller</b>", rights_holder: "Jürgen Müller", license: "CC BY-NC 4.0", fetched: true }]);
  });
});

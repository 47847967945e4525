import Papa from "papaparse";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import yauzl from "yauzl";
import { startSimulator, type Simulator } from "./index";
import { javaDouble } from "./download-csv";
import { searchRecord } from "./record";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ records: 3000, seed: 7 });
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.downloads.clearFaults();
  Object.assign(sim.downloads.settings, { queueMs: 0, recordsPerSecond: 1e9, maxRecords: 100_000_000 });
  sim.faults.clear();
});

const json = async (url: string, init?: RequestInit) => {
  const r = await fetch(url, init);
  return { status: r.status, body: (await r.text()) || "null" } as const;
};
const get = async (url: string, init?: RequestInit) => {
  const { status, body } = await json(url, init);
  return { status, body: JSON.parse(body) as Record<string, unknown> };
};

const FIELDS = "id,speciesID,decimalLatitude,decimalLongitude,eventDate,assertions,images,license,recordedBy,dataResourceName,year,coordinateUncertaintyInMeters";
const ask = (params: Record<string, string | string[]> = {}) => {
  const p = new URLSearchParams({ email: "someone@example.org", fields: FIELDS, qa: "none", dwcHeaders: "true", reasonTypeId: "10" });
  for (const [k, v] of Object.entries(params)) {
    p.delete(k);
    for (const x of [v].flat()) p.append(k, x);
  }
  if (!p.has("fq")) p.append("fq", "class:Aves");
  return get(`${sim.url}/occurrences/offline/download?${p}`);
};

/** Polls until the download is finished (or another end state), returning that status. */
async function until(statusUrl: string, done = (s: Record<string, unknown>) => s.status !== "inQueue" && s.status !== "running") {
  for (let i = 0; i < 200; i++) {
    const { body } = await get(statusUrl);
    if (done(body)) return body;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("the download never ended");
}

function unzip(buffer: Buffer): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const files = new Map<string, string>();
      zip.on("entry", (e: yauzl.Entry) =>
        zip.openReadStream(e, (error, stream) => {
          if (error || !stream) return reject(error);
          const chunks: Buffer[] = [];
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("end", () => {
            files.set(e.fileName, Buffer.concat(chunks).toString("utf8"));
            zip.readEntry();
          });
        }),
      );
      zip.on("end", () => resolve(files));
      zip.readEntry();
    });
  });
}

async function finishedZip(params: Record<string, string | string[]> = {}) {
  const { body } = await ask(params);
  const status = await until(body.statusUrl as string);
  expect(status.status).toBe("finished");
  const response = await fetch(status.downloadUrl as string);
  expect(response.status).toBe(200);
  return { status, zip: Buffer.from(await response.arrayBuffer()) };
}

const rows = (csv: string, delimiter = ",") => Papa.parse<string[]>(csv, { delimiter, skipEmptyLines: true }).data;

describe("search page depth (OccurrenceController.occurrenceSearch)", () => {
  const search = (start: number, size: number) => get(`${sim.url}/occurrences/search?fq=class:Aves&sort=id&dir=asc&pageSize=${size}&startIndex=${start}`);

  it("cuts pageSize to reach no further than 5 000 records, and answers nothing from 5 000 on", async () => {
    sim.pageDepthMax = 5000;
    await sim.world.addRecords({ count: 3000 });
    const near = (await search(4500, 1000)).body;
    expect(near).toMatchObject({ totalRecords: sim.world.liveCount, pageSize: 500, startIndex: 4500 });
    expect(near.occurrences).toHaveLength(500);
    const beyond = (await search(5000, 1000)).body;
    // The query runs with start 0 and pageSize 0: the true total, and no records.
    expect(beyond).toMatchObject({ totalRecords: sim.world.liveCount, pageSize: 0, startIndex: 0 });
    expect(beyond.occurrences).toEqual([]);
    expect((await search(4000, 1000)).body.occurrences).toHaveLength(1000);
  });

  it("is configurable, and off at 0", async () => {
    sim.pageDepthMax = 100;
    expect((await search(90, 50)).body).toMatchObject({ pageSize: 10 });
    sim.pageDepthMax = 0;
    expect(((await search(5500, 100)).body.occurrences as unknown[]).length).toBe(100);
    sim.pageDepthMax = 5000;
  });
});

describe("the offline download service", () => {
  it("refuses a request without a valid email with 400 'No valid email', and a bad fileType", async () => {
    for (const email of ["", "not-an-address", "a@b"]) {
      const { status, body } = await ask({ email });
      expect(status).toBe(400);
      expect(body.message).toBe("No valid email");
    }
    expect((await ask({ fileType: "xlsx" })).status).toBe(400);
    expect((await ask({ reasonTypeId: "research" })).status).toBe(400);
  });

  it("queues, runs with records done so far, then finishes with a zip URL; status URLs of unknown ids answer {}", async () => {
    Object.assign(sim.downloads.settings, { queueMs: 150, recordsPerSecond: 10_000 });
    const first = (await ask()).body;
    expect(first).toMatchObject({ status: "inQueue", totalRecords: sim.world.liveCount, queueSize: expect.any(Number) });
    expect(first.statusUrl).toMatch(/\/occurrences\/offline\/status\/[0-9a-f-]{36}-\d+$/);
    expect(first.cancelUrl).toMatch(/\/occurrences\/offline\/cancel\//);
    const running = await until(first.statusUrl as string, (s) => s.status !== "inQueue");
    expect(running.status).toBe("running");
    expect(running.records).toBeGreaterThanOrEqual(0);
    expect(running.records).toBeLessThan(running.totalRecords as number);
    const finished = await until(first.statusUrl as string);
    expect(finished).toMatchObject({ status: "finished", downloadUrl: expect.stringMatching(/\/biocache-download\/.+\/data\.zip$/) });
    expect((await get(`${sim.url}/occurrences/offline/status/00000000-0000-3000-8000-000000000000-1`)).body).toEqual({});
  });

  it("writes one user's downloads one at a time, in the order asked, and another user's beside them; refuses a user with maxQueued waiting", async () => {
    Object.assign(sim.downloads.settings, { recordsPerSecond: 15_000 });
    const first = (await ask()).body;
    const second = (await ask()).body;
    const other = (await ask({ email: "another@example.org" })).body;
    await until(first.statusUrl as string, (s) => s.status === "running");
    // The same user's next waits, counted in the user's queue with the one being written.
    expect((await get(second.statusUrl as string)).body).toMatchObject({ status: "inQueue", queueSize: 2 });
    expect((await get(other.statusUrl as string)).body.status).not.toBe("inQueue");
    expect((await until(first.statusUrl as string)).status).toBe("finished");
    expect((await until(second.statusUrl as string, (s) => s.status !== "inQueue")).status).toBe("running");
    await until(second.statusUrl as string);

    // DownloadService.add: past download.offline.queue.maxsize waiting, TooManyDownloadRequestsException (an HTTP 500).
    Object.assign(sim.downloads.settings, { maxQueued: 1, queueMs: 60_000 });
    const waiting = (await ask()).body;
    const refused = await get(`${sim.url}/occurrences/offline/download?${new URLSearchParams({ email: "someone@example.org", fields: "id", fq: "class:Aves" })}`);
    expect(refused.status).toBe(500);
    expect(refused.body.message).toMatch(/^Too many download requests/);
    expect((await ask({ email: "another@example.org" })).status).toBe(200);
    await get(waiting.cancelUrl as string);
    expect((await ask()).status).toBe(200);
    sim.downloads.settings.maxQueued = 50;
  });

  it("serves the zip it wrote while running: a record deleted after it finished is still in it", async () => {
    const { zip, status } = await finishedZip();
    const id = rows((await unzip(zip)).get("data.csv")!)[1][0];
    expect(sim.world.deleteRecords({ uuids: [id] })).toEqual([id]);
    const again = Buffer.from(await (await fetch(status.downloadUrl as string)).arrayBuffer());
    expect(again.equals(zip)).toBe(true);
  });

  it("takes GET, form POST and JSON POST alike", async () => {
    const form = new URLSearchParams({ email: "someone@example.org", fields: "id", qa: "none", fq: "class:Aves" });
    const a = (await get(`${sim.url}/occurrences/offline/download`, { method: "POST", body: form, headers: { "content-type": "application/x-www-form-urlencoded" } })).body;
    const b = (
      await get(`${sim.url}/occurrences/offline/download`, {
        method: "POST",
        body: JSON.stringify({ email: "someone@example.org", fields: "id", qa: "none", fq: ["class:Aves", "-year:*"] }),
        headers: { "content-type": "application/json" },
      })
    ).body;
    expect(a.totalRecords).toBe(sim.world.liveCount);
    expect(b.totalRecords).toBeLessThan(sim.world.liveCount);
    expect((await json(`${sim.url}/occurrences/offline/download`, { method: "POST", body: "{", headers: { "content-type": "application/json" } })).status).toBe(400);
  });

  it("answers tooLarge past its limit, and cancels a queued download", async () => {
    sim.downloads.settings.maxRecords = 100;
    const big = (await ask()).body;
    expect(big).toMatchObject({ status: "tooLarge", totalRecords: sim.world.liveCount });
    expect(big.error).toMatch(/maximum is \(100\)/);
    sim.downloads.settings.maxRecords = 100_000_000;
    sim.downloads.settings.queueMs = 60_000;
    const queued = (await ask()).body;
    expect((await get(queued.cancelUrl as string)).body.status).toBe("cancelled");
    expect((await get(queued.statusUrl as string)).body.status).toBe("cancelled");
    // Nothing queued to cancel: an empty answer.
    expect((await json(queued.cancelUrl as string)).body).toBe("null");
  });

  it("with reuseZips (the bench's), gives a download asked again as before the zip already written, until the world changes", async () => {
    Object.assign(sim.downloads.settings, { reuseZips: true, compressionLevel: 1 });
    try {
      const first = await finishedZip({ fq: "speciesID:*" });
      // Stored, not deflated, were it written again: the same bytes show it was not.
      sim.downloads.settings.compressionLevel = 0;
      expect((await finishedZip({ fq: "speciesID:*" })).zip.equals(first.zip)).toBe(true);
      expect((await finishedZip({ fq: "speciesID:*", fields: "id" })).zip.equals(first.zip)).toBe(false);
      sim.world.updateRecords({ count: 1 });
      const changed = await finishedZip({ fq: "speciesID:*" });
      expect(changed.zip.length).toBeGreaterThan(first.zip.length);
    } finally {
      Object.assign(sim.downloads.settings, { reuseZips: false, compressionLevel: 1 });
    }
  });

  it("finishes a download with a run of 2 000 records (a chunk of its data file) deleted before it was written", async () => {
    const own = await startSimulator({ records: 4500, seed: 3 });
    try {
      own.downloads.settings.queueMs = 100;
      const ids: string[] = [];
      for (let start = 2000; start < 4000; start += 1000) {
        const page = (await get(`${own.url}/occurrences/search?fq=class:Aves&sort=id&dir=asc&pageSize=1000&startIndex=${start}`)).body;
        ids.push(...(page.occurrences as { uuid: string }[]).map((o) => o.uuid));
      }
      const params = new URLSearchParams({ email: "someone@example.org", fields: "id", qa: "none", fq: "class:Aves" });
      const asked = (await get(`${own.url}/occurrences/offline/download?${params}`)).body;
      expect(own.world.deleteRecords({ uuids: ids })).toHaveLength(2000);
      const status = await until(asked.statusUrl as string);
      expect(status.status).toBe("finished");
      const files = await unzip(Buffer.from(await (await fetch(status.downloadUrl as string)).arrayBuffer()));
      expect(rows(files.get("data.csv")!)).toHaveLength(1 + 2500);
    } finally {
      await own.close();
    }
  });

  it("zips data.csv, citation.csv, headings.csv and README.html; data as biocache writes it", async () => {
    const { zip } = await finishedZip();
    const files = await unzip(zip);
    expect([...files.keys()]).toEqual(["data.csv", "citation.csv", "headings.csv", "README.html"]);
    const [heading, ...data] = rows(files.get("data.csv")!);
    // DwC headings where messages.properties has one; the fields every download carries appended.
    expect(heading).toEqual([
      "recordID", "speciesID", "decimalLatitude", "decimalLongitude", "eventDate", "assertions", "images", "dcterms:license", "recordedBy",
      "dataResourceName", "year", "coordinateUncertaintyInMeters", "dataProviderUid", "dataResourceUid",
    ]);
    expect(data).toHaveLength(sim.world.liveCount);
    const byId = new Map(data.map((r) => [r[0], r]));
    let multi = 0;
    let html = 0;
    for (const i of sim.world.indexes.bySpecies) {
      const truth = searchRecord(sim.world, i, sim.url) as Record<string, unknown>;
      const row = byId.get(truth.uuid as string)!;
      expect(row[1]).toBe(truth.speciesGuid);
      expect(row[2]).toBe(truth.decimalLatitude === undefined ? "" : javaDouble(truth.decimalLatitude as number));
      expect(Number(row[2] || NaN)).toBe(truth.decimalLatitude ?? NaN);
      expect(row[4]).toBe(typeof truth.eventDate === "number" ? new Date(truth.eventDate).toISOString().slice(0, 10) : "");
      expect(row[5]).toBe(((truth.assertions as string[]) ?? []).join(" | "));
      expect(row[6]).toBe(((truth.images as string[]) ?? []).join(" | "));
      if (row[5].includes(" | ")) multi++;
      if (/[<"\n]/.test(row[8])) html++;
      expect(row[8]).toBe(((truth.recordedBy as string[]) ?? [])[0] ?? "");
    }
    expect(multi).toBeGreaterThan(0);
    expect(html).toBeGreaterThan(0);
    expect(files.get("citation.csv")).toMatch(/^"UID","Name",/);
    expect(rows(files.get("headings.csv")!)[0][0]).toBe("Column name");
  });

  it("writes one true/false column per assertion with qa, headings without dwcHeaders, and TSV", async () => {
    const all = rows((await unzip((await finishedZip({ qa: "all", fields: "id,assertions" })).zip)).get("data.csv")!);
    const qa = all[0].slice(5);
    expect(qa.length).toBeGreaterThan(3);
    const col = all[0].indexOf(qa[0]);
    for (const r of all.slice(1)) expect(r[col]).toBe(String(r[1].split(" | ").includes(qa[0])));
    const listed = rows((await unzip((await finishedZip({ qa: "ZERO_COORDINATE,zeroCoordinates", fields: "id" })).zip)).get("data.csv")!);
    expect(listed[0].slice(-2)).toEqual(["ZERO_COORDINATE", "zeroCoordinates"]);
    const labels = rows((await unzip((await finishedZip({ dwcHeaders: "false", fields: "id,decimalLatitude" })).zip)).get("data.csv")!);
    expect(labels[0].slice(0, 2)).toEqual(["Record ID", "Latitude"]);
    const tsv = await unzip((await finishedZip({ fileType: "tsv", file: "birds", fields: "id,dataResourceName" })).zip);
    expect([...tsv.keys()][0]).toBe("birds.tsv");
    expect(rows(tsv.get("birds.tsv")!, "\t")[0]).toEqual(["recordID", "dataResourceName", "dataProviderUid", "dataResourceUid", "dcterms:license"]);
  });
});

describe("download faults", () => {
  const fault = async (mode: string) => {
    sim.downloads.addFault(mode as never);
    return (await ask()).body;
  };

  it("stuck: stays inQueue", async () => {
    const s = await fault("stuck");
    await new Promise((r) => setTimeout(r, 50));
    expect((await get(s.statusUrl as string)).body.status).toBe("inQueue");
    expect((await get(s.cancelUrl as string)).body.status).toBe("cancelled");
  });

  it("gone: finished, but the zip answers 404", async () => {
    const status = await until((await fault("gone")).statusUrl as string);
    expect(status.status).toBe("finished");
    expect((await fetch(status.downloadUrl as string)).status).toBe(404);
  });

  it("a truncated zip (the first fetch only), a CRC error, no data file, missing and reordered columns", async () => {
    const zipOf = async (mode: string) => {
      const status = await until((await fault(mode)).statusUrl as string);
      return [Buffer.from(await (await fetch(status.downloadUrl as string)).arrayBuffer()), Buffer.from(await (await fetch(status.downloadUrl as string)).arrayBuffer())];
    };
    const [cut, whole] = await zipOf("truncatedZip");
    expect(cut.length).toBeLessThan(whole.length);
    await expect(unzip(cut)).rejects.toThrow();
    expect((await unzip(whole)).has("data.csv")).toBe(true);

    const [crc] = await zipOf("crcError");
    const entries = await new Promise<yauzl.Entry[]>((resolve, reject) =>
      yauzl.fromBuffer(crc, { lazyEntries: true }, (err, z) => {
        if (err || !z) return reject(err);
        const list: yauzl.Entry[] = [];
        z.on("entry", (e: yauzl.Entry) => (list.push(e), z.readEntry()));
        z.on("end", () => resolve(list));
        z.readEntry();
      }),
    );
    const { crc32 } = await import("node:zlib");
    const data = (await unzip(crc)).get("data.csv")!;
    expect(entries.find((e) => e.fileName === "data.csv")!.crc32).not.toBe(crc32(Buffer.from(data)));

    expect((await unzip((await zipOf("noDataFile"))[0])).has("data.csv")).toBe(false);
    expect(rows((await unzip((await zipOf("missingColumns"))[0])).get("data.csv")!)[0]).not.toContain("speciesID");
    const reordered = rows((await unzip((await zipOf("reorderedColumns"))[0])).get("data.csv")!)[0];
    expect(reordered[0]).toBe("dataResourceUid");
    expect(reordered.at(-1)).toBe("recordID");
  });

  it("are queued through the control API; a bad one is refused", async () => {
    const post = (body: unknown) => get(`${sim.url}/__control/downloads`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
    expect((await post({ faults: [{ mode: "gone", count: 2 }], queueMs: 5 })).body).toMatchObject({ pendingFaults: [{ mode: "gone", count: 2 }], settings: { queueMs: 5 } });
    expect((await post({ faults: [{ mode: "melted" }] })).status).toBe(400);
    expect((await post({ clearFaults: true })).body.pendingFaults).toEqual([]);
    const skew = await get(`${sim.url}/__control/species/count-skew`, { method: "POST", body: JSON.stringify({ guid: "urn:x", extra: 3 }), headers: { "content-type": "application/json" } });
    expect(skew.body).toEqual({ "urn:x": 3 });
    sim.countSkew.clear();
  });
});

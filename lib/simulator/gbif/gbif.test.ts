/** The GBIF simulator over real HTTP: authentication, predicates, the download lifecycle, the zips and the faults. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import yauzl from "yauzl";
import { GBIF_SIMULATOR_USER, startGbifSimulator, type GbifSimulator } from ".";

let sim: GbifSimulator;
const auth = (u: string = GBIF_SIMULATOR_USER.username, p: string = GBIF_SIMULATOR_USER.password) => `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}`;
const BIRDS = { type: "equals", key: "TAXON_KEY", value: "212" };

beforeAll(async () => {
  sim = await startGbifSimulator({ records: 400, seed: 3, downloads: { preparingMs: 30, runningMs: 30 } });
});
afterAll(() => sim.close());
beforeEach(() => sim.downloads.clearFaults());

async function request(body: unknown, authorization = auth()): Promise<Response> {
  return fetch(`${sim.apiUrl}/occurrence/download/request`, { method: "POST", headers: { authorization, "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
}

async function finished(key: string): Promise<Record<string, unknown>> {
  for (;;) {
    const r = await fetch(`${sim.apiUrl}/occurrence/download/${key}`);
    const s = (await r.json()) as Record<string, unknown>;
    if (s.status !== "PREPARING" && s.status !== "RUNNING") return s;
    await new Promise((ok) => setTimeout(ok, 20));
  }
}

function entries(zip: Buffer): Promise<Map<string, string>> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, file) => {
      if (err || !file) return reject(err);
      const out = new Map<string, string>();
      file.on("entry", (e: yauzl.Entry) =>
        file.openReadStream(e, (err2, s) => {
          if (err2 || !s) return reject(err2);
          const chunks: Buffer[] = [];
          s.on("data", (c: Buffer) => chunks.push(c));
          s.on("error", reject);
          s.on("end", () => (out.set(e.fileName, Buffer.concat(chunks).toString("utf8")), file.readEntry()));
        }),
      );
      file.on("end", () => resolve(out));
      file.on("error", reject);
      file.readEntry();
    }),
  );
}

describe("the GBIF simulator", () => {
  it("refuses requests without the right credentials", async () => {
    expect((await request({ predicate: BIRDS }, auth("edgar", "wrong"))).status).toBe(401);
    const none = await fetch(`${sim.apiUrl}/occurrence/download/request`, { method: "POST", body: JSON.stringify({ predicate: BIRDS }) });
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Basic/);
  });

  it("refuses a malformed body, an unknown key and an unsupported format with a 400", async () => {
    expect((await request("{not json")).status).toBe(400);
    expect((await request({ predicate: { type: "equals", key: "NO_SUCH_KEY", value: "1" } })).status).toBe(400);
    expect((await request({ predicate: { type: "equals", key: "TAXON_KEY", value: "birds" } })).status).toBe(400);
    expect((await request({ predicate: BIRDS, format: "SPECIES_LIST" })).status).toBe(400);
  });

  it("runs a SIMPLE_CSV download PREPARING → RUNNING → SUCCEEDED and serves the birds matching the predicate", async () => {
    const settings = { ...sim.downloads.settings };
    sim.downloads.settings.preparingMs = 60_000;
    const r = await request({ creator: "someone-else", format: "SIMPLE_CSV", sendNotification: false, predicate: { type: "and", predicates: [BIRDS, { type: "equals", key: "COUNTRY", value: "AU" }] } });
    expect(r.status).toBe(201);
    const key = await r.text();
    expect(key).toMatch(/^\d{7}-\d{15}$/);
    const first = (await (await fetch(`${sim.apiUrl}/occurrence/download/${key}`)).json()) as Record<string, unknown>;
    expect(first.status).toBe("PREPARING");
    expect(first.downloadLink).toBeUndefined();
    Object.assign(sim.downloads.settings, { preparingMs: 0, runningMs: 60_000 });
    const running = (await (await fetch(`${sim.apiUrl}/occurrence/download/${key}`)).json()) as Record<string, unknown>;
    expect([running.status, running.downloadLink, running.totalRecords]).toEqual(["RUNNING", undefined, 0]);
    Object.assign(sim.downloads.settings, settings);
    const done = await finished(key);
    expect(done.status).toBe("SUCCEEDED");
    expect((done.request as { creator: string }).creator).toBe("edgar");
    const truth = sim.truth();
    expect(done.totalRecords).toBe(truth.birds);
    const zip = await fetch(String(done.downloadLink));
    expect(zip.status).toBe(200);
    const files = await entries(Buffer.from(await zip.arrayBuffer()));
    const lines = files.get(`${key}.csv`)!.trimEnd().split("\n");
    expect(lines[0].split("\t").slice(0, 3)).toEqual(["gbifID", "datasetKey", "occurrenceID"]);
    expect(lines).toHaveLength(truth.birds + 1);
    const cls = lines[0].split("\t").indexOf("class");
    expect(new Set(lines.slice(1).map((l) => l.split("\t")[cls]))).toEqual(new Set(["Aves"]));
    expect(truth.totalRecords).toBeGreaterThan(truth.birds); // there are non-birds to leave out
  });

  it("serves a DWCA download as an archive with meta.xml", async () => {
    const key = await (await request({ format: "DWCA", predicate: BIRDS })).text();
    const done = await finished(key);
    const files = await entries(Buffer.from(await (await fetch(String(done.downloadLink))).arrayBuffer()));
    expect([...files.keys()].sort()).toEqual(["citations.txt", "meta.xml", "metadata.xml", "occurrence.txt"]);
    expect(files.get("meta.xml")).toContain('rowType="http://rs.tdwg.org/dwc/terms/Occurrence"');
    expect(files.get("occurrence.txt")!.trimEnd().split("\n")).toHaveLength(sim.truth().birds + 1);
  });

  it("selects by LAST_INTERPRETED", async () => {
    const before = new Date(Date.now() - 1000).toISOString();
    const added = sim.data.add(3);
    const key = await (await request({ predicate: { type: "and", predicates: [BIRDS, { type: "greaterThanOrEquals", key: "LAST_INTERPRETED", value: before }] } })).text();
    const done = await finished(key);
    const birdsAdded = added.filter((id) => sim.data.records.get(id)!.taxon.class === "Aves").length;
    expect(done.totalRecords).toBe(birdsAdded);
  });

  it("fails polls, sticks, fails, is killed or loses its file when told to", async () => {
    sim.failPolls(2);
    const key = await (await request({ predicate: BIRDS })).text();
    expect((await fetch(`${sim.apiUrl}/occurrence/download/${key}`)).status).toBe(503);
    expect((await fetch(`${sim.apiUrl}/occurrence/download/${key}`)).status).toBe(500);
    expect((await finished(key)).status).toBe("SUCCEEDED");

    for (const [fault, status] of [["failed", "FAILED"], ["killed", "KILLED"], ["erased", "FILE_ERASED"]] as const) {
      sim.downloads.addFault(fault);
      expect((await finished(await (await request({ predicate: BIRDS })).text())).status).toBe(status);
    }
    sim.downloads.addFault("gone");
    const gone = await finished(await (await request({ predicate: BIRDS })).text());
    expect((await fetch(String(gone.downloadLink))).status).toBe(404);

    sim.downloads.addFault("stuck");
    const stuck = await (await request({ predicate: BIRDS })).text();
    await new Promise((ok) => setTimeout(ok, 100));
    expect(((await (await fetch(`${sim.apiUrl}/occurrence/download/${stuck}`)).json()) as { status: string }).status).toBe("PREPARING");
    expect((await fetch(`${sim.apiUrl}/occurrence/download/0000000-000000000000000`)).status).toBe(404);
  });

  it("changes its records through the control API and reports the truth", async () => {
    const before = sim.truth().totalRecords;
    const post = (path: string, body: unknown) => fetch(`${sim.url}/__control/${path}`, { method: "POST", body: JSON.stringify(body) });
    expect((await post("records/add", { count: 2, species: "Gymnorhina tibicen" })).status).toBe(200);
    expect((await post("records/delete", { count: 1 })).status).toBe(200);
    expect((await post("records/add", { count: 0 })).status).toBe(400);
    expect((await post("records/add", { count: 1, species: "Nope nope" })).status).toBe(404);
    expect((await post("downloads", { faults: [{ mode: "nonsense" }] })).status).toBe(400);
    const truth = (await (await fetch(`${sim.url}/__control/truth`)).json()) as { totalRecords: number };
    expect(truth.totalRecords).toBe(before + 1);
  });
});

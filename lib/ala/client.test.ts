import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AlaRequestError, createAlaClient, FetchStopped, parseRetryAfter, type AlaClientOptions, type RetryInfo } from "./client";

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void;

interface TestServer {
  url: string;
  requests: { url: string; at: number }[];
}

const servers: http.Server[] = [];

/** A real HTTP server on 127.0.0.1; the handler sees the 0-based request number. */
async function serve(handler: Handler): Promise<TestServer> {
  const requests: TestServer["requests"] = [];
  const server = http.createServer((req, res) => {
    requests.push({ url: req.url ?? "", at: Date.now() });
    handler(req, res, requests.length - 1);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests };
}

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

const json = (res: http.ServerResponse, body: unknown, status = 200, headers: http.OutgoingHttpHeaders = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
};

const UUIDS = ["0b7e2c4a-1111-4222-8333-944455556661", "0b7e2c4a-1111-4222-8333-944455556662", "0b7e2c4a-1111-4222-8333-944455556663"];
const page = (n: number, total = 3, startIndex = 0) => ({
  totalRecords: total, pageSize: 3, startIndex, status: "OK",
  occurrences: UUIDS.slice(0, n).map((uuid) => ({ uuid, speciesGuid: "urn:lsid:s", decimalLatitude: -20, decimalLongitude: 140 })),
});

function client(server: TestServer, extra: Partial<AlaClientOptions> = {}) {
  const retries: RetryInfo[] = [];
  const c = createAlaClient({
    biocacheUrl: `${server.url}/occurrences/`,
    imagesUrl: server.url,
    retries: 3,
    retryBaseMs: 1,
    timeoutMs: 2000,
    onRetry: (info) => retries.push(info),
    ...extra,
  });
  return { c, retries };
}

describe("ALA client requests", () => {
  it("builds the search request and parses the page", async () => {
    const s = await serve((_req, res) => json(res, page(3)));
    const { c } = client(s);
    const result = await c.searchPage({ fq: ["class:Aves", 'speciesID:"urn:lsid:s"'], pageSize: 3, startIndex: 0, sort: "id", dir: "asc" });
    expect(result.records).toHaveLength(3);
    const url = new URL(s.requests[0].url, s.url);
    expect(url.pathname).toBe("/occurrences/occurrences/search");
    expect(url.searchParams.get("q")).toBe("*:*");
    expect(url.searchParams.getAll("fq")).toEqual(["class:Aves", 'speciesID:"urn:lsid:s"']);
    expect(Object.fromEntries([...url.searchParams].filter(([k]) => k !== "fq" && k !== "q"))).toEqual({
      pageSize: "3", startIndex: "0", sort: "id", dir: "asc", facet: "off", disableAllQualityFilters: "true",
    });
  });

  it.each([500, 502, 503])("retries on %i, then succeeds", async (status) => {
    const s = await serve((_req, res, n) => (n < 2 ? json(res, { error: "boom" }, status) : json(res, page(3))));
    const { c, retries } = client(s);
    expect((await c.searchPage({ pageSize: 3 })).records).toHaveLength(3);
    expect(s.requests).toHaveLength(3);
    expect(retries.map((r) => [r.attempt, r.status, r.delayMs])).toEqual([[1, status, 1], [2, status, 2]]);
  });

  it("honours Retry-After on 429 (seconds and HTTP-date), capped", async () => {
    const s = await serve((_req, res, n) => (n === 0 ? json(res, {}, 429, { "retry-after": "1" }) : json(res, page(3))));
    const { c } = client(s);
    await c.searchPage({ pageSize: 3 });
    expect(s.requests).toHaveLength(2);
    expect(s.requests[1].at - s.requests[0].at).toBeGreaterThanOrEqual(1000 - 5);

    const capped = await serve((_req, res, n) => (n === 0 ? json(res, {}, 429, { "retry-after": "3600" }) : json(res, page(3))));
    const { c: c2, retries } = client(capped, { maxRetryAfterMs: 20 });
    await c2.searchPage({ pageSize: 3 });
    expect(retries[0].delayMs).toBe(20);

    expect(parseRetryAfter("7")).toBe(7000);
    expect(parseRetryAfter(new Date(Date.UTC(2030, 0, 1, 0, 0, 10)).toUTCString(), Date.UTC(2030, 0, 1))).toBe(10_000);
    expect(parseRetryAfter("soon")).toBeNull();
  });

  it("times out a hanging request and retries", async () => {
    const s = await serve((_req, res, n) => {
      if (n === 0) return; // never answers
      json(res, page(3));
    });
    const { c, retries } = client(s, { timeoutMs: 100 });
    expect((await c.searchPage({ pageSize: 3 })).records).toHaveLength(3);
    expect(retries[0].reason).toMatch(/timed out/);
  });

  it("retries a body that stalls midway", async () => {
    const s = await serve((_req, res, n) => {
      if (n === 0) {
        res.writeHead(200, { "content-type": "application/json" });
        res.write('{"totalRecords": 3,'); // and nothing more
        return;
      }
      json(res, page(3));
    });
    const { c, retries } = client(s, { timeoutMs: 100 });
    expect((await c.searchPage({ pageSize: 3 })).records).toHaveLength(3);
    expect(retries[0].reason).toMatch(/timed out/);
  });

  it("retries truncated JSON", async () => {
    const s = await serve((_req, res, n) => json(res, n === 0 ? JSON.stringify(page(3)).slice(0, 40) : page(3)));
    const { c, retries } = client(s);
    expect((await c.searchPage({ pageSize: 3 })).records).toHaveLength(3);
    expect(retries[0].reason).toMatch(/invalid JSON/);
  });

  it("retries invalid JSON and a wrong envelope", async () => {
    const s = await serve((_req, res, n) => json(res, n === 0 ? "<html>maintenance</html>" : n === 1 ? { hello: 1 } : page(3)));
    const { c, retries } = client(s);
    expect((await c.searchPage({ pageSize: 3 })).records).toHaveLength(3);
    expect(retries.map((r) => r.reason)).toEqual([expect.stringMatching(/invalid JSON/), expect.stringMatching(/unexpected answer/)]);
  });

  it("re-requests a short page, and accepts the last page of a result", async () => {
    const s = await serve((_req, res, n) => json(res, n === 0 ? page(2, 10) : page(3, 10)));
    const { c, retries } = client(s);
    expect((await c.searchPageComplete({ pageSize: 3 })).records).toHaveLength(3);
    expect(retries[0].reason).toMatch(/short page: 2 of 3/);

    const last = await serve((_req, res) => json(res, page(2, 5, 3)));
    const { c: c2, retries: none } = client(last);
    expect((await c2.searchPageComplete({ pageSize: 3, startIndex: 3 })).records).toHaveLength(2);
    expect(none).toEqual([]);
  });

  it("fails at once on 400 with a clear error", async () => {
    const s = await serve((_req, res) => json(res, { message: "Invalid query: fq" }, 400));
    const { c, retries } = client(s);
    const error = await c.searchPage({ pageSize: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlaRequestError);
    expect(error).toMatchObject({ status: 400, attempts: 1 });
    expect((error as Error).message).toMatch(/HTTP 400.*Invalid query/);
    expect(s.requests).toHaveLength(1);
    expect(retries).toEqual([]);
  });

  it("throws AlaRequestError with url, status and attempts = retries + 1 when retries run out", async () => {
    const s = await serve((_req, res) => json(res, {}, 503));
    const { c } = client(s, { retries: 4 });
    const error = (await c.searchPage({ pageSize: 3 }).catch((e: unknown) => e)) as AlaRequestError;
    expect(error).toBeInstanceOf(AlaRequestError);
    expect(error.attempts).toBe(5);
    expect(error.status).toBe(503);
    expect(error.url).toContain("/occurrences/search?");
    expect(s.requests).toHaveLength(5);
    expect(error.toJSON()).toMatchObject({ url: error.url, status: 503, attempts: 5 });
  });

  it("reports network errors with no status", async () => {
    const s = await serve((req) => req.socket.destroy());
    const { c } = client(s, { retries: 1 });
    const error = (await c.searchPage({ pageSize: 3 }).catch((e: unknown) => e)) as AlaRequestError;
    expect(error).toMatchObject({ status: null, attempts: 2 });
    expect(error.message).toMatch(/network error/);
  });
});

describe("ALA client endpoints", () => {
  it("lists bird species with counts, paging the facet, with names from one record each", async () => {
    const guids = ["urn:lsid:a", "https://biodiversity.org.au/afd/taxa/b", "urn:lsid:c"];
    const s = await serve((req, res) => {
      const url = new URL(req.url ?? "", "http://x");
      if (url.pathname.endsWith("/occurrences/facets")) {
        const offset = Number(url.searchParams.get("foffset"));
        const limit = Number(url.searchParams.get("flimit"));
        const values = [...guids.map((g, i) => ({ label: g, count: 10 + i })), { label: "", count: 4 }];
        return json(res, [{ fieldName: url.searchParams.get("facets"), fieldResult: values.slice(offset, offset + limit) }]);
      }
      const guid = url.searchParams.getAll("fq")[1].replace(/^speciesID:"?|"$/g, "");
      json(res, { totalRecords: 1, pageSize: 1, startIndex: 0, occurrences: [{ uuid: UUIDS[0], species: `Name ${guid}`, vernacularName: "Bird" }] });
    });
    const { c } = client(s);
    const list = await c.speciesList({ pageLimit: 2, namesFor: (g) => g !== "urn:lsid:c" });
    expect(list).toEqual([
      { guid: "urn:lsid:a", count: 10, scientificName: "Name urn:lsid:a", commonName: "Bird" },
      { guid: guids[1], count: 11, scientificName: `Name ${guids[1]}`, commonName: "Bird" },
      { guid: "urn:lsid:c", count: 12, scientificName: null, commonName: null },
    ]);
    const facetCalls = s.requests.filter((r) => r.url.includes("/facets"));
    expect(facetCalls).toHaveLength(3); // 2 + 2 values, then an empty page
    expect(new URL(facetCalls[0].url, "http://x").searchParams.getAll("fq")).toEqual(["class:Aves"]);
    expect(new URL(facetCalls[0].url, "http://x").searchParams.get("facets")).toBe("speciesID");
    expect(new URL(facetCalls[0].url, "http://x").searchParams.get("disableAllQualityFilters")).toBe("true");
  });

  it("uses legacy field names when asked", async () => {
    const s = await serve((_req, res) => json(res, []));
    const { c } = client(s, { fieldStyle: "legacy" });
    expect(await c.speciesList()).toEqual([]);
    expect(new URL(s.requests[0].url, "http://x").searchParams.get("facets")).toBe("species_guid");
  });

  it("fetches one record, and null for a missing one", async () => {
    const s = await serve((req, res) => {
      if (req.url?.includes("missing")) return json(res, { message: "not found" }, 404);
      json(res, {
        raw: { uuid: UUIDS[0] },
        processed: { classification: { speciesID: "urn:lsid:s" }, location: { decimalLatitude: "-20", decimalLongitude: "140" } },
        systemAssertions: { failed: [{ name: "habitatMismatch" }] },
      });
    });
    const { c } = client(s);
    const found = await c.occurrence(UUIDS[0]);
    expect(found).toMatchObject({ ok: true, record: { uuid: UUIDS[0], speciesGuid: "urn:lsid:s", decimalLatitude: -20, assertions: ["habitatMismatch"] } });
    expect(await c.occurrence("missing")).toBeNull();
    expect(s.requests[0].url).toBe(`/occurrences/occurrence/${UUIDS[0]}`);
  });

  it("lists deleted uuids since a day, and reads image metadata and assertion codes", async () => {
    const s = await serve((req, res) => {
      if (req.url?.startsWith("/occurrences/occurrence/deleted")) return json(res, [UUIDS[1]]);
      if (req.url?.startsWith("/ws/image/gone")) return json(res, {}, 404);
      if (req.url?.startsWith("/ws/image/")) return json(res, { success: true, imageIdentifier: "img1", creator: "<b>Me</b>", license: "CC-BY", width: "800" });
      json(res, [{ name: "zeroCoordinates", code: 4, category: "error", fatal: true }]);
    });
    const { c } = client(s);
    expect(await c.deleted(new Date("2024-03-05T12:00:00Z"))).toEqual([UUIDS[1]]);
    expect(s.requests[0].url).toBe("/occurrences/occurrence/deleted?date=2024-03-05");
    expect(await c.image("img1")).toMatchObject({ imageIdentifier: "img1", creator: "<b>Me</b>", width: 800 });
    expect(await c.image("gone")).toBeNull();
    expect(await c.assertionCodes()).toEqual([{ name: "zeroCoordinates", code: 4, category: "error", fatal: true }]);
  });

  it("reads the images service's recorded shape (image-service addImageInfoToMap): blanks as absent, the recognised licence", async () => {
    const fixture = await readFile(new URL("./fixtures/ws-image.json", import.meta.url), "utf8");
    const s = await serve((req, res) => json(res, fixture));
    const { c } = client(s);
    expect(await c.image("3f2c1a6e-8d4b-4c1e-9a7f-2b5d6e8f0a19")).toEqual({
      success: true,
      imageIdentifier: "3f2c1a6e-8d4b-4c1e-9a7f-2b5d6e8f0a19",
      mimeType: "image/jpeg",
      width: 2048,
      height: 1536,
      creator: "Jürgen <b>Müller</b>",
      rightsHolder: "Jürgen Müller",
      license: undefined,
      recognisedLicence: { acronym: "CC BY-NC 4.0", name: "Creative Commons Attribution-NonCommercial 4.0 International", url: "https://creativecommons.org/licenses/by-nc/4.0/" },
      imageUrl: "https://images.ala.org.au/store/9/1/a/0/3f2c1a6e-8d4b-4c1e-9a7f-2b5d6e8f0a19/original",
    });
    expect(s.requests[0].url).toBe("/ws/image/3f2c1a6e-8d4b-4c1e-9a7f-2b5d6e8f0a19");
  });

  it("refuses an image answer without imageIdentifier (the old imageId shape) as unexpected", async () => {
    const s = await serve((req, res) => json(res, { imageId: "img1", creator: "Me" }));
    const { c } = client(s, { retries: 0 });
    await expect(c.image("img1")).rejects.toThrow(AlaRequestError);
  });

  it("writes a file whole through .part, and a stopped transfer ends at once, unretried, leaving nothing", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "edgar-fetch-"));
    try {
      let started!: () => void;
      const midway = new Promise<void>((resolve) => (started = resolve));
      const s = await serve((req, res) => {
        res.writeHead(200, { "content-type": "application/zip" });
        if (req.url === "/whole.zip") return void res.end("PK whole");
        res.write("PK partial"); // and nothing more until stopped
        started();
      });
      const { c, retries } = client(s, { timeoutMs: 60_000 });
      expect(await c.fetchFile(`${s.url}/whole.zip`, path.join(dir, "whole.zip"))).toBe(true);
      expect(await readFile(path.join(dir, "whole.zip"), "utf8")).toBe("PK whole");

      const stop = new AbortController();
      const fetching = c.fetchFile(`${s.url}/stalls.zip`, path.join(dir, "stalls.zip"), stop.signal);
      await midway;
      stop.abort();
      await expect(fetching).rejects.toThrow(FetchStopped);
      expect(s.requests.map((r) => r.url)).toEqual(["/whole.zip", "/stalls.zip"]);
      expect(retries).toEqual([]);
      expect(await readdir(dir)).toEqual(["whole.zip"]);
      await expect(c.fetchFile(`${s.url}/whole.zip`, path.join(dir, "again.zip"), stop.signal)).rejects.toThrow(FetchStopped);
      expect(s.requests).toHaveLength(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a transfer stopped while it waits to retry ends at once", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "edgar-fetch-"));
    try {
      const s = await serve((_req, res) => json(res, { error: "busy" }, 503));
      const { c } = client(s, { retryBaseMs: 60_000 });
      const stop = new AbortController();
      const fetching = c.fetchFile(`${s.url}/busy.zip`, path.join(dir, "busy.zip"), stop.signal);
      while (s.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      stop.abort();
      // Without the stop, the next attempt would wait a minute.
      await expect(fetching).rejects.toThrow(FetchStopped);
      expect(s.requests).toHaveLength(1);
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

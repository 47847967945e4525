/**
 * A stand-in for the ALA's vetting service that receives Edgar's pushes (lib/vetting/push.ts) and
 * checks the contract: POST of JSON, the expected apiKey, the fields of pushedVettingSchema, an
 * area that is readable WKT by the same rules as /ws/vettings. It keeps the latest state of each
 * vetting id, treats a repeat as one change, and can be taken down (503s) or made to refuse a
 * species, for the tests and the e2e run.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { parseWktArea } from "@/lib/geometry/validate-wkt";
import { pushedVettingSchema, type PushedVetting } from "@/lib/vetting/push";

export interface ReceivedVetting {
  status: "new" | "modified" | "deleted";
  lastModified: string;
  body: PushedVetting;
}

export interface VettingReceiver {
  url: string;
  /** Latest state per vetting id. */
  vettings: Map<number, ReceivedVetting>;
  /** Every request, in order: accepted or not, with the answer's status. */
  log: { status: number; body: unknown }[];
  /** While true every request gets 503. */
  down: boolean;
  /** Species (scientific names) the service does not know: 400. */
  unknownSpecies: Set<string>;
  /** Runs before an accepted push is answered (a test changes the vetting while its push is under way). */
  beforeAnswer: ((body: PushedVetting) => Promise<void>) | null;
  close(): Promise<void>;
}

function answer(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

export async function startVettingReceiver({ apiKey, port = 0, host = "127.0.0.1" }: { apiKey: string; port?: number; host?: string }): Promise<VettingReceiver> {
  const receiver = {
    vettings: new Map<number, ReceivedVetting>(),
    log: [] as { status: number; body: unknown }[],
    down: false,
    unknownSpecies: new Set<string>(),
    beforeAnswer: null as ((body: PushedVetting) => Promise<void>) | null,
  };
  const respond = (res: http.ServerResponse, status: number, body: unknown, received: unknown) => {
    receiver.log.push({ status, body: received });
    answer(res, status, body);
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
      if (receiver.down) return respond(res, 503, { error: "unavailable", message: "The vetting service is down for maintenance." }, body);
      if (req.method !== "POST") return respond(res, 405, { error: "method_not_allowed", message: "POST only." }, body);
      if (!/^application\/json\b/.test(req.headers["content-type"] ?? "")) return respond(res, 415, { error: "unsupported_media_type", message: "Send JSON." }, body);
      if (typeof body !== "object" || body === null) return respond(res, 400, { error: "invalid_json", message: "The body is not JSON." }, body);
      if ((body as { apiKey?: unknown }).apiKey !== apiKey) return respond(res, 403, { error: "invalid_api_key", message: "Unknown apiKey." }, body);
      const parsed = pushedVettingSchema.safeParse(body);
      if (!parsed.success) {
        const problem = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
        return respond(res, 400, { error: "invalid_body", message: problem }, body);
      }
      const vetting = parsed.data;
      if (vetting.status !== "deleted") {
        try {
          parseWktArea(vetting.area);
        } catch (err) {
          return respond(res, 400, { error: "invalid_wkt", message: `area ${(err as Error).message}` }, body);
        }
        if (receiver.unknownSpecies.has(vetting.species)) {
          return respond(res, 400, { error: "unknown_species", message: `No species named "${vetting.species}".` }, body);
        }
      }
      const known = receiver.vettings.get(vetting.id);
      if (vetting.status === "modified" && !known) {
        return respond(res, 409, { error: "unknown_vetting", message: `Vetting ${vetting.id} was never sent as new.` }, body);
      }
      // The same id and lastModified again (a push whose answer was lost) is the same change.
      if (!known || known.lastModified <= vetting.lastModified) {
        receiver.vettings.set(vetting.id, { status: vetting.status, lastModified: vetting.lastModified, body: vetting });
      }
      await receiver.beforeAnswer?.(vetting);
      respond(res, 200, { id: vetting.id, status: vetting.status }, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://${host}:${address.port}/ws/vettings`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

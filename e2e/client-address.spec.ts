// Client addresses (docs/security.md, "Client addresses"): with TRUST_PROXY off, as here, the web
// process replaces X-Forwarded-For with the connection's address before Next.js reads it, so a
// client writing a new address into every request is still one client under the per-client cap.
import { expect, test } from "@playwright/test";
import type { SpeciesMatch } from "./helpers";

test("a client that writes a new X-Forwarded-For into every request is still one client: the stream cap refuses it", async ({ request, baseURL }) => {
  const [species] = (await (await request.get("/api/species?q=&limit=1")).json()) as SpeciesMatch[];
  const open: AbortController[] = [];
  let refused: Response | undefined;
  try {
    // Believed, every address would be a new client with a cap of its own and no request refused.
    for (let i = 0; i < 64 && !refused; i++) {
      const controller = new AbortController();
      const spoofed = `203.0.113.${i + 1}`;
      const r = await fetch(`${baseURL}/api/events?species=${species.id}`, { signal: controller.signal, headers: { "x-forwarded-for": spoofed } });
      if (r.status === 200) open.push(controller);
      else refused = r;
    }
    expect(refused?.status).toBe(429);
    expect(await refused!.json()).toMatchObject({ error: "too_many_streams" });
    // Refused after the cap (16 by default) at most: the made-up addresses bought nothing.
    expect(open.length).toBeLessThanOrEqual(16);
  } finally {
    for (const c of open) c.abort();
  }
});

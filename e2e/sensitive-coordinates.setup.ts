import { expect, test as setup } from "@playwright/test";
import { withSystemDb } from "./system";

/**
 * Gives every sensitive record of the e2e system an accurate position, as an authorised source
 * would supply it (the simulator, like the public ALA, sends generalised ones only), 0.04–0.05°
 * from its public one and off any 0.1° grid point. The whole e2e run then works beside them, and
 * e2e/sensitive-logs.teardown.ts searches the web and worker logs for them.
 */
setup("sensitive records have accurate positions the system must never log", async ({ request }) => {
  setup.setTimeout(300_000);
  await expect
    .poll(async () => (await (await request.get("/api/health")).json()).lastSync?.status ?? "none", { timeout: 290_000, intervals: [1_000] })
    .toBe("succeeded");
  const inserted = await withSystemDb(async (db) => {
    const { rowCount } = await db.query(
      `INSERT INTO sensitive_coordinates (occurrence_id, lat, lon)
       SELECT id, lat + 0.0437 + (id % 7) * 0.00113, lon + 0.0291 + (id % 5) * 0.00127 FROM occurrences
        WHERE sensitive AND lat IS NOT NULL
       ON CONFLICT (occurrence_id) DO NOTHING`,
    );
    return rowCount ?? 0;
  });
  expect(inserted).toBeGreaterThan(5);
});

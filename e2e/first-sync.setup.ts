import { expect, test as setup } from "@playwright/test";

/** Every e2e test runs on data: wait for the worker's first sync from the simulator to succeed. */
setup("the first sync loads the simulator's records", async ({ request }) => {
  setup.setTimeout(300_000);
  await expect
    .poll(
      async () => {
        const health = await (await request.get("/api/health")).json();
        if (health.lastSync?.status === "failed") throw new Error(`the first sync failed: ${JSON.stringify(health.lastSync)}`);
        return health.lastSync?.status ?? "none";
      },
      { timeout: 290_000, intervals: [1_000] },
    )
    .toBe("succeeded");
});

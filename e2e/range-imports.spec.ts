// Expert range polygons imported from the admin console as a source account's vettings, and
// vettings pushed to a local stand-in for the ALA's vetting service (lib/simulator/vetting-receiver.ts,
// on E2E_VETTING_PORT, where e2e/server.ts points ALA_VETTING_URL) that is down for a while.
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { startVettingReceiver, type VettingReceiver } from "../lib/simulator/vetting-receiver";
import type { SpeciesMatch } from "./helpers";
import { VETTING_PORT } from "./outside-ports";
import { PASSWORD, signIn, userCli } from "./users";

const ADMIN = "ranges-admin@example.org";
const EXPERT = "ranges-expert@example.org";
const PUSH_KEY = "e2e-vetting-push-key";

let receiver: VettingReceiver;
let species: SpeciesMatch;
let expertKey: string;

test.beforeAll(async ({ request }) => {
  userCli("create", "--email", ADMIN, "--password", PASSWORD, "--role", "admin", "--name", "Ranges Admin");
  userCli("create", "--email", EXPERT, "--password", PASSWORD, "--role", "expert", "--name", "Ranges Expert");
  expertKey = userCli("apikey", "--email", EXPERT);
  receiver = await startVettingReceiver({ apiKey: PUSH_KEY, port: VETTING_PORT });
  // A species other specs leave alone; everything made here is removed again.
  const res = await request.get("/api/species?q=&limit=5");
  expect(res.status()).toBe(200);
  species = ((await res.json()) as SpeciesMatch[])[4];
});
test.afterAll(async () => {
  await receiver?.close();
});

async function signedIn(page: Page, email: string, path: string) {
  await page.goto(`/login?next=${encodeURIComponent(path)}`);
  await signIn(page, email);
  await expect(page).toHaveURL(new RegExp(`${path}$`));
}

const AUSTRALIA = { type: "Polygon", coordinates: [[[112, -44], [154, -44], [154, -10], [112, -10], [112, -44]]] };

test("an admin imports range polygons as a source account's vettings, sees the report, and removes them as a set", async ({ page, request }) => {
  await signedIn(page, ADMIN, "/admin");
  const section = page.getByRole("region", { name: "Range imports" });
  const file = {
    name: "birdlife.geojson",
    mimeType: "application/geo+json",
    buffer: Buffer.from(
      JSON.stringify({
        type: "FeatureCollection",
        features: [
          { type: "Feature", properties: { SCI_NAME: species.scientificName, RANGE_T: "core, breeding" }, geometry: AUSTRALIA },
          { type: "Feature", properties: { SCI_NAME: "Dodo ineptus", RANGE_T: "core" }, geometry: AUSTRALIA },
        ],
      }),
    ),
  };
  await section.getByLabel("File (.geojson, or .zip of a shapefile)").setInputFiles(file);
  await section.getByLabel("Source").fill("BirdLife Australia");
  await section.getByLabel("Species name field").fill("SCI_NAME");
  await section.getByLabel("Class field").fill("RANGE_T");
  await section.getByRole("button", { name: "Import ranges" }).click();
  const report = section.getByTestId("range-import-report");
  await expect(report).toContainText(/Import \d+ by BirdLife Australia: 1 vettings for 1 species from 2 features\./);
  await expect(report).toContainText("Dodo ineptus (1 feature)");

  // The vetting is on the species, attributed to the source account, and not pushed as Edgar's own.
  const vettings = (await (await request.get(`/api/vettings?speciesId=${species.id}`)).json()) as { id: number; author: { name: string }; rangeQualifier: string }[];
  const imported = vettings.filter((v) => v.author.name === "BirdLife Australia");
  expect(imported).toEqual([expect.objectContaining({ rangeQualifier: "core" })]);
  expect(receiver.vettings.has(imported[0].id)).toBe(false);

  const row = section.getByRole("row", { name: /BirdLife Australia birdlife\.geojson/ });
  await expect(row).toContainText("Dodo ineptus");
  await row.getByRole("button", { name: /Remove range import \d+/ }).click();
  await row.getByRole("group", { name: "Remove" }).getByRole("button", { name: "Remove" }).click();
  await expect(row).toContainText("Removed");
  const after = (await (await request.get(`/api/vettings?speciesId=${species.id}`)).json()) as { author: { name: string } }[];
  expect(after.filter((v) => v.author.name === "BirdLife Australia")).toEqual([]);
});

async function vet(request: APIRequestContext, method: "POST" | "PATCH" | "DELETE", path: string, data?: unknown) {
  const res = await request.fetch(path, { method, data, headers: { authorization: `Bearer ${expertKey}` } });
  expect(res.status(), await res.text()).toBeLessThan(300);
  return res.status() === 204 ? null : res.json();
}

test("an expert's vetting reaches the ALA's service, waits while it is down, and its deletion follows", async ({ page, request }) => {
  const created = (await vet(request, "POST", "/api/vettings", {
    speciesId: species.id,
    classification: "known_invalid",
    area: { type: "Polygon", coordinates: [[[150, -40], [151, -40], [151, -39], [150, -39], [150, -40]]] },
    comment: "pushed to the ALA",
  })) as { id: number };
  await expect.poll(() => receiver.vettings.get(created.id)?.status).toBe("new");
  expect(receiver.vettings.get(created.id)!.body).toMatchObject({ species: species.scientificName, classification: "known_invalid", user: { email: EXPERT } });

  await signedIn(page, EXPERT, "/vettings");
  const row = page.getByRole("row", { name: new RegExp(species.scientificName) });
  await expect(row.getByTestId("ala-push")).toHaveText("Sent to the ALA");

  receiver.down = true;
  await vet(request, "PATCH", `/api/vettings/${created.id}`, { comment: "changed while the ALA is down" });
  await page.reload();
  await expect(row.getByTestId("ala-push")).toHaveText("Waiting to be sent to the ALA");
  await expect.poll(() => receiver.log.filter((r) => r.status === 503).length).toBeGreaterThan(1);

  // The admin console shows it pending, with the service's answer.
  const admin = await (await page.context().browser()!.newContext()).newPage();
  await signedIn(admin, ADMIN, "/admin");
  const push = admin.getByRole("region", { name: "Vettings to the ALA" });
  await expect(push.getByTestId("vetting-push-summary")).toContainText(/[1-9]\d* pending/);
  await expect(push.getByRole("row", { name: new RegExp(`^${created.id} `) })).toContainText("HTTP 503");

  receiver.down = false;
  await expect.poll(() => receiver.vettings.get(created.id)?.body, { timeout: 20_000 }).toMatchObject({ status: "modified", comment: "changed while the ALA is down" });
  await page.reload();
  await expect(row.getByTestId("ala-push")).toHaveText("Sent to the ALA");

  await vet(request, "DELETE", `/api/vettings/${created.id}`);
  await expect.poll(() => receiver.vettings.get(created.id)?.status).toBe("deleted");
  await expect(push.getByTestId("vetting-push-summary")).toContainText("0 pending", { timeout: 20_000 });
});

// Shared by the map e2e specs: the simulator's data through the API, and the map's state in the page.
import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { csvRecords } from "../lib/downloads/test-support";

export interface SpeciesMatch {
  id: number;
  scientificName: string;
  commonName: string | null;
  occurrenceCount: number;
}

/** The most-recorded species of the synced data (it has clusters everywhere). */
export async function mostRecorded(request: APIRequestContext): Promise<SpeciesMatch> {
  const res = await request.get("/api/species?q=&limit=1");
  expect(res.status()).toBe(200);
  const [top] = (await res.json()) as SpeciesMatch[];
  expect(top.commonName).toBeTruthy();
  return top;
}

/** A record of the species with a licensed image, alone at its position (a deep zoom shows it as one dot), as the CSV download gives it. */
export async function loneRecordWithImage(request: APIRequestContext, speciesId: number): Promise<Record<string, string>> {
  const csv = await (await request.get(`/api/species/${speciesId}/occurrences?format=csv&duplicates=show`)).text();
  const rows = csvRecords(csv).filter((r) => r.decimalLatitude !== "");
  const at = (r: Record<string, string>) => `${r.decimalLatitude},${r.decimalLongitude}`;
  const positions = new Map<string, number>();
  for (const r of rows) positions.set(at(r), (positions.get(at(r)) ?? 0) + 1);
  const record = rows.find((r) => r.associatedMedia !== "" && positions.get(at(r)) === 1);
  expect(record, "the first sync fetched licences of some of this species' images").toBeTruthy();
  return record!;
}

/** Waits until the occurrence tiles for the current URL template are drawn. */
export async function occurrencesReady(page: Page): Promise<void> {
  await expect(page.getByTestId("species-map")).toHaveAttribute("data-occurrences", "ready", { timeout: 45_000 });
}

export interface RenderedFeature {
  layer: string;
  properties: Record<string, string | number | boolean>;
  /** Where it is drawn, in page pixels. */
  x: number;
  y: number;
}

/** Features of the occurrence layers drawn now, with their positions on the page. */
export async function renderedOccurrences(page: Page): Promise<RenderedFeature[]> {
  return page.evaluate(() => {
    const map = window.edgarMap!;
    const box = map.getCanvas().getBoundingClientRect();
    return map.queryRenderedFeatures({ layers: ["occurrence-clusters", "occurrence-records"] }).map((f) => {
      const [lon, lat] = (f.geometry as GeoJSON.Point).coordinates;
      const p = map.project([lon, lat]);
      return { layer: f.layer.id, properties: f.properties, x: box.left + p.x, y: box.top + p.y };
    });
  });
}

export const mapZoom = (page: Page) => page.evaluate(() => window.edgarMap!.getZoom());

/** Share of a PNG's pixels near each colour, counted in the page (no image library needed). */
export async function colourShares(page: Page, png: Buffer, colours: Record<string, string>): Promise<Record<string, number>> {
  return page.evaluate(
    async ({ data, colours }) => {
      const img = new Image();
      img.src = `data:image/png;base64,${data}`;
      await img.decode();
      const canvas = document.createElement("canvas");
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext("2d")!;
      ctx.drawImage(img, 0, 0);
      const { data: px } = ctx.getImageData(0, 0, img.width, img.height);
      const rgb = Object.entries(colours).map(([name, hex]) => [name, [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16))] as const);
      const counts: Record<string, number> = Object.fromEntries(rgb.map(([name]) => [name, 0]));
      for (let i = 0; i < px.length; i += 4) {
        for (const [name, [r, g, b]] of rgb) {
          if (Math.abs(px[i] - r) + Math.abs(px[i + 1] - g) + Math.abs(px[i + 2] - b) < 30) counts[name]++;
        }
      }
      const total = px.length / 4;
      return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v / total]));
    },
    { data: png.toString("base64"), colours },
  );
}

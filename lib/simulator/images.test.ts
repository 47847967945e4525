import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imageOriginalUrl, imageThumbnailUrl } from "@/lib/ala/images";
import { startSimulator, type Simulator } from "./index";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ records: 2000, seed: 7 });
});
afterAll(() => sim.close());

/** The image-service's answer, key for key as `ImageService.addImageInfoToMap` writes it. */
const recorded = JSON.parse(readFileSync(new URL("../ala/fixtures/ws-image.json", import.meta.url), "utf8")) as Record<string, unknown>;

function someImageId(): string {
  const index = [...sim.world.indexes.bySpecies].find((i) => sim.world.isLive(i) && sim.world.cols.imageCount(i) > 0)!;
  return sim.world.ids.imageId(index, 0);
}

describe("the simulator's images service", () => {
  it("GET /ws/image/{id} answers the real service's shape: the same keys in the same order and value types", async () => {
    const id = someImageId();
    const res = await fetch(`${sim.url}/ws/image/${id}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(Object.keys(recorded));
    for (const [k, v] of Object.entries(recorded)) {
      if (k === "dateTaken" && body[k] === null) continue; // null when the record has no date, as the service does
      expect([k, typeof body[k]]).toEqual([k, typeof v]);
    }
    expect(body).toMatchObject({ success: true, imageIdentifier: id, mimeType: expect.stringMatching(/^image\//) });
    expect(body).not.toHaveProperty("imageId");
    expect(body).not.toHaveProperty("thumbUrl");
    expect(body.imageUrl).toBe(imageOriginalUrl(sim.url, id));
    expect(body.dateUploaded).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it("serves the files at the service's paths, and 404s an unknown image like the service", async () => {
    const id = someImageId();
    for (const url of [imageThumbnailUrl(sim.url, id), imageOriginalUrl(sim.url, id), `${sim.url}/image/proxyImageThumbnail?imageId=${id}`]) {
      const res = await fetch(url);
      expect([url, res.status, res.headers.get("content-type")]).toEqual([url, 200, "image/png"]);
    }
    const unknown = "00000000-0000-4000-8000-000000000000";
    const info = await fetch(`${sim.url}/ws/image/${unknown}`);
    expect(info.status).toBe(404);
    expect(await info.json()).toEqual({ success: false, message: "image id not found" });
    expect((await fetch(imageThumbnailUrl(sim.url, unknown))).status).toBe(404);
    expect(sim.requests.snapshot()).toMatchObject({ image: 2, imageFile: 4 });
  });
});

import { describe, expect, it } from "vitest";
import { settingsSchemas } from "@/lib/sources/registry";
import { sourceSettings } from "./source-settings";

const blank = { where: "", email: "", fieldStyle: "current" as const };

describe("the Add source form's settings", () => {
  it("gives a Living Atlas its URL, download email and field style, as the API checks them", () => {
    const settings = sourceSettings("living_atlas", { where: " https://records-ws.nbnatlas.org ", email: " me@example.org ", fieldStyle: "legacy" });
    expect(settings).toEqual({ biocacheUrl: "https://records-ws.nbnatlas.org", email: "me@example.org", fieldStyle: "legacy" });
    expect(settingsSchemas.living_atlas.parse(settings)).toEqual(settings);
  });

  it("leaves an empty email out, so the API does not refuse it as malformed", () => {
    const settings = sourceSettings("living_atlas", { ...blank, where: "https://biocache.example.org/ws" });
    expect(settings).toEqual({ biocacheUrl: "https://biocache.example.org/ws", fieldStyle: "current" });
    expect(settingsSchemas.living_atlas.safeParse(settings).success).toBe(true);
  });

  it("keeps the other kinds' settings", () => {
    expect(sourceSettings("dwca", { ...blank, where: "/data/a.zip" })).toEqual({ location: "/data/a.zip" });
    expect(sourceSettings("gbif", blank)).toEqual({});
  });
});

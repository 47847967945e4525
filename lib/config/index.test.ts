import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./index";

describe("config", () => {
  it("has the contract's defaults", () => {
    const c = parseConfig({});
    expect(c).toMatchObject({
      DATA_DIR: path.resolve(".data"),
      PORT: 3000,
      ALA_BIOCACHE_URL: "https://api.ala.org.au/occurrences",
      ALA_IMAGES_URL: "https://images.ala.org.au",
      SYNC_CRON: "0 3 * * *",
      SYNC_RETRY_BASE_MS: 10000,
      SYNC_RETRIES: 5,
    });
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.BASEMAP_STYLE_URL).toBeUndefined();
  });

  it("reads values and lets an empty SYNC_CRON disable the schedule", () => {
    const c = parseConfig({ PORT: "8080", SYNC_CRON: "", ALA_BIOCACHE_URL: "http://127.0.0.1:9/ws/", SYNC_RETRIES: "0" });
    expect(c.PORT).toBe(8080);
    expect(c.SYNC_CRON).toBe("");
    expect(c.ALA_BIOCACHE_URL).toBe("http://127.0.0.1:9/ws");
    expect(c.SYNC_RETRIES).toBe(0);
  });

  it.each([
    ["PORT", "eighty"],
    ["PORT", "70000"],
    ["ALA_BIOCACHE_URL", "not a url"],
    ["DATABASE_URL", "mysql://x"],
    ["SYNC_CRON", "every day"],
    ["SYNC_RETRY_BASE_MS", "-5"],
    ["ADMIN_EMAIL", "nobody"],
  ])("names the variable when %s=%s is wrong", (name, value) => {
    expect(() => parseConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => parseConfig({ [name]: value })).toThrow(new RegExp(name));
  });

  it("wants ADMIN_EMAIL and ADMIN_PASSWORD together", () => {
    expect(() => parseConfig({ ADMIN_EMAIL: "a@example.org" })).toThrow(/ADMIN_EMAIL and ADMIN_PASSWORD/);
  });
});

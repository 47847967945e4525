import { describe, expect, it } from "vitest";
import { decryptCredentials, encryptCredentials } from "./secrets";

const secret = "x".repeat(40);

describe("source credentials", () => {
  it("round-trip, and the stored text does not contain the password", () => {
    const stored = encryptCredentials({ username: "me", password: "hunter2-secret" }, secret);
    expect(stored).not.toContain("hunter2");
    expect(decryptCredentials(stored, secret)).toEqual({ username: "me", password: "hunter2-secret" });
  });

  it("two encryptions of the same value differ (random IV)", () => {
    expect(encryptCredentials({ a: "b" }, secret)).not.toBe(encryptCredentials({ a: "b" }, secret));
  });

  it("fail with another secret or a tampered text", () => {
    const stored = encryptCredentials({ a: "b" }, secret);
    expect(() => decryptCredentials(stored, "y".repeat(40))).toThrow();
    const tampered = stored.slice(0, -2) + (stored.endsWith("A") ? "BB" : "AA");
    expect(() => decryptCredentials(tampered, secret)).toThrow();
    expect(() => decryptCredentials("plain", secret)).toThrow(/unknown format/);
  });
});

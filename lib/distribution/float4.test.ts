import { describe, expect, it } from "vitest";
import { float4AsText } from "./float4";

describe("float4AsText", () => {
  it("gives the double of the shortest decimal PostgreSQL writes for a real, as the text protocol does", () => {
    expect(float4AsText(Math.fround(145.3))).toBe(145.3);
    expect(float4AsText(Math.fround(-27.4705))).toBe(-27.4705);
    expect(float4AsText(Math.fround(153.123456))).toBe(153.12346);
    expect(float4AsText(0)).toBe(0);
    expect(float4AsText(Math.fround(1e-7))).toBe(1e-7);
    expect(float4AsText(180)).toBe(180);
  });

  it("breaks a tie between two shortest decimals to the even one, as Ryu (float4out) does", () => {
    // 145.890625 is exact in a float4; 145.89062 and 145.89063 are equally near and equally short.
    expect(float4AsText(145.890625)).toBe(145.89062);
    expect(float4AsText(-145.890625)).toBe(-145.89062);
  });

  it("always reads back as the same float4", () => {
    let seed = 1;
    for (let i = 0; i < 10_000; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const f = Math.fround((seed / 2 ** 32) * 360 - 180);
      expect(Math.fround(float4AsText(f))).toBe(f);
    }
  });
});

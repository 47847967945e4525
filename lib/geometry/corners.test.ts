import { describe, expect, it } from "vitest";
import { parseCorners } from "./corners";

describe("parseCorners", () => {
  it("reads one corner per line, with spaces or a comma, and closes the ring", () => {
    expect(parseCorners("134 -25\n 136.5, -25 \n\n136.5 -23.25\n")).toEqual({
      polygon: { type: "Polygon", coordinates: [[[134, -25], [136.5, -25], [136.5, -23.25], [134, -25]]] },
    });
  });

  it("does not close a ring twice", () => {
    const result = parseCorners("1 1\n2 1\n2 2\n1 1");
    expect(result).toEqual({ polygon: { type: "Polygon", coordinates: [[[1, 1], [2, 1], [2, 2], [1, 1]]] } });
  });

  it.each([
    ["", "at least three different corners"],
    ["1 1\n2 2", "at least three different corners"],
    ["1 1\n2 2\n1 1", "at least three different corners"],
    ["1 1\n2\n3 3", 'Line 2 ("2") is not "longitude latitude"'],
    ["1 1\n2 2 2\n3 3", "Line 2"],
    ["1 1\n14*0 2\n3 3", 'Line 2 ("14*0 2")'],
    ["1 1\nNaN 2\n3 3", "Line 2"],
    ["1 1\n1e400 2\n3 3", "Line 2"],
    ["1 1\n181 2\n3 3", "Line 2: longitude 181 is outside -180 to 180."],
    ["1 1\n2 -91\n3 3", "Line 2: latitude -91 is outside -90 to 90."],
  ])("refuses %j, saying why", (text, message) => {
    const result = parseCorners(text);
    expect(result).toHaveProperty("error");
    expect((result as { error: string }).error).toContain(message);
  });
});

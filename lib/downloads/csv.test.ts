import { describe, expect, it } from "vitest";
import { csvField, csvLine } from "./csv";

describe("CSV fields", () => {
  it("writes plain text and numbers as they are, and null as empty", () => {
    expect(csvLine(["Malurus cyaneus", -33.865, 151.209, 2001, true, null])).toBe("Malurus cyaneus,-33.865,151.209,2001,true,\r\n");
  });

  it("quotes fields with commas, quotes, line breaks, doubling the quotes", () => {
    expect(csvField("Birds, Backyards")).toBe('"Birds, Backyards"');
    expect(csvField('The "Big" Sit')).toBe('"The ""Big"" Sit"');
    expect(csvField("line one\nline two")).toBe('"line one\nline two"');
    expect(csvField("cr\r\nlf")).toBe('"cr\r\nlf"');
  });

  it("keeps markup as text (CSV has no markup)", () => {
    expect(csvField("<b>in</b> & <script>")).toBe("<b>in</b> & <script>");
  });

  it("defuses text a spreadsheet would run as a formula, but not negative numbers", () => {
    expect(csvField("=HYPERLINK(\"http://x\")")).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField("+61 2")).toBe("'+61 2");
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvField(-33.5)).toBe("-33.5");
  });
});

import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { RangeImportReportView } from "./range-imports-panel";

const base = {
  id: 4,
  source: { id: "s1", name: "BirdLife Australia" },
  features: 5,
  vettings: 2,
  species: 2,
  simplified: 1,
  unmatchedNames: [] as { name: string; features: number }[],
  problems: [] as { feature: number; name: string | null; message: string }[],
};

describe("a range import's report", () => {
  it("says what was made, and lists unmatched names and unusable features from the file as plain text", () => {
    render(
      <RangeImportReportView
        report={{
          ...base,
          unmatchedNames: [{ name: "<img src=x onerror=alert(1)> Dodo", features: 2 }],
          problems: [{ feature: 3, name: "Cacatua galerita", message: "area polygon 1 has sides that cross at 141, -29" }],
        }}
      />,
    );
    const report = screen.getByTestId("range-import-report");
    expect(report.textContent).toContain("Import 4 by BirdLife Australia: 2 vettings for 2 species from 5 features (1 simplified).");
    expect(report.textContent).toContain("<img src=x onerror=alert(1)> Dodo (2 features)");
    expect(report.querySelector("img")).toBeNull();
    expect(report.textContent).toContain("Feature 3 (Cacatua galerita): area polygon 1 has sides that cross at 141, -29");
  });

  it("says when nothing was imported", () => {
    render(<RangeImportReportView report={{ ...base, id: null, vettings: 0, species: 0, simplified: 0, unmatchedNames: [{ name: "Dodo ineptus", features: 1 }] }} />);
    expect(screen.getByTestId("range-import-report").textContent).toContain("Nothing imported: none of the 5 features could be used.");
    expect(screen.getByText("Dodo ineptus (1 feature)").tagName).toBe("LI");
  });
});

import { fireEvent, render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Classification } from "@/lib/domain/codes";
import { Legend } from "./legend";

const counts = { knownValid: 12, assumedValid: 11_570, assumedInvalid: 3, knownInvalid: 0 };

function renderLegend(shown: readonly Classification[], withCounts = true) {
  const toggled: Classification[] = [];
  render(<Legend shown={shown} counts={withCounts ? counts : undefined} onToggle={(c) => toggled.push(c)} />);
  return toggled;
}

const entry = (name: RegExp) => screen.getByRole("button", { name });

describe("Legend", () => {
  it("lists the four categories with their counts, pressed when shown", () => {
    renderLegend(["known_valid", "assumed_valid"]);
    expect(screen.getAllByRole("button")).toHaveLength(4);
    expect(entry(/^Assumed valid/).getAttribute("aria-pressed")).toBe("true");
    expect(within(entry(/^Assumed valid/)).getByTestId("legend-count").textContent).toBe("11,570");
    expect(entry(/^Known invalid/).getAttribute("aria-pressed")).toBe("false");
    expect(within(entry(/^Known invalid/)).getByTestId("legend-count").textContent).toBe("0");
    expect(entry(/^Known invalid/).textContent).toContain("(hidden; press to show)");
  });

  it("says the counts are loading rather than showing zeros", () => {
    renderLegend(["known_valid"], false);
    for (const count of screen.getAllByTestId("legend-count")) expect(count.textContent).toBe("…");
  });

  it("asks for a category to be toggled when its entry is pressed", () => {
    const toggled = renderLegend(["known_valid"]);
    fireEvent.click(entry(/^Known invalid/));
    fireEvent.click(entry(/^Known valid/));
    expect(toggled).toEqual(["known_invalid", "known_valid"]);
  });
});

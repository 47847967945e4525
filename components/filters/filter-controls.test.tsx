import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { DEFAULT_VIEW_FILTERS, type ViewFilters } from "@/lib/species/view-state";
import { FilterControls } from "./filter-controls";

/** The controls as the page holds them: every change applied, and recorded. */
function Harness({ initial, changes }: { initial: ViewFilters; changes: ViewFilters[] }) {
  const [filters, setFilters] = useState(initial);
  return (
    <FilterControls
      filters={filters}
      onChange={(next) => {
        changes.push(next);
        setFilters(next);
      }}
    />
  );
}

function setup(initial: ViewFilters = DEFAULT_VIEW_FILTERS) {
  const changes: ViewFilters[] = [];
  render(<Harness initial={initial} changes={changes} />);
  return { changes, user: userEvent.setup(), from: screen.getByLabelText("From year"), to: screen.getByLabelText("To year") };
}

describe("FilterControls", () => {
  it("applies a year range on Enter", async () => {
    const { changes, user, from, to } = setup();
    await user.type(from, "1990");
    await user.type(to, "2000{Enter}");
    expect(changes).toEqual([{ ...DEFAULT_VIEW_FILTERS, yearFrom: 1990, yearTo: 2000 }]);
    expect(screen.queryByRole("alert")).toBeNull();
    expect(from.getAttribute("aria-invalid")).toBe("false");
  });

  it("refuses a reversed range, saying why, marking the fields and changing nothing", async () => {
    const { changes, user, from, to } = setup();
    await user.type(from, "2030");
    await user.type(to, "1990");
    await user.click(screen.getByRole("button", { name: "Apply" }));
    // The fields keep what was typed, and say the map still shows the range applied before.
    expect(screen.getByRole("alert").textContent).toMatch(/^The first year must not be after the last\. Not applied: the map and downloads still show /);
    expect(from.getAttribute("aria-invalid")).toBe("true");
    expect(from.getAttribute("aria-describedby")).toBe(screen.getByRole("alert").id);
    expect(changes).toEqual([]);
    // Put right, the message goes and the range applies.
    await user.clear(to);
    await user.type(to, "2031{Enter}");
    expect(screen.queryByRole("alert")).toBeNull();
    expect(changes).toEqual([{ ...DEFAULT_VIEW_FILTERS, yearFrom: 2030, yearTo: 2031 }]);
  });

  it("refuses what is not a four-digit year", async () => {
    const { changes, user, from } = setup();
    await user.type(from, "19x0{Enter}");
    expect(screen.getByRole("alert").textContent).toMatch(/^Years have four digits, e\.g\. 1990\. Not applied: /);
    expect(changes).toEqual([]);
  });

  it("toggles hiding duplicates, and resets every filter to the defaults", async () => {
    const { changes, user } = setup({ ...DEFAULT_VIEW_FILTERS, yearFrom: 1990 });
    expect((screen.getByLabelText("From year") as HTMLInputElement).value).toBe("1990");
    await user.click(screen.getByLabelText("Hide duplicate records"));
    expect(changes.at(-1)).toEqual({ ...DEFAULT_VIEW_FILTERS, yearFrom: 1990, duplicates: "show" });
    await user.click(screen.getByRole("button", { name: "Reset filters" }));
    expect(changes.at(-1)).toEqual(DEFAULT_VIEW_FILTERS);
    expect((screen.getByLabelText("From year") as HTMLInputElement).value).toBe("");
    // At the defaults there is nothing to reset.
    expect(screen.queryByRole("button", { name: "Reset filters" })).toBeNull();
  });
});

describe("FilterControls' source filter", () => {
  const sources = [
    { id: 1, name: "ALA" },
    { id: 2, name: "Backyard survey" },
  ];

  it("is absent with one source", () => {
    render(<FilterControls filters={DEFAULT_VIEW_FILTERS} onChange={() => undefined} sources={[sources[0]]} />);
    expect(screen.queryByText("Sources")).toBeNull();
  });

  it("hides a source when unticked, and goes back to every source when all are ticked again", async () => {
    const changes: ViewFilters[] = [];
    function SourcesHarness() {
      const [filters, setFilters] = useState(DEFAULT_VIEW_FILTERS);
      return (
        <FilterControls
          filters={filters}
          sources={sources}
          onChange={(next) => {
            changes.push(next);
            setFilters(next);
          }}
        />
      );
    }
    render(<SourcesHarness />);
    const user = userEvent.setup();
    const survey = screen.getByLabelText("Backyard survey");
    expect((survey as HTMLInputElement).checked).toBe(true);
    await user.click(survey);
    expect(changes.at(-1)?.sources).toEqual([1]);
    expect((survey as HTMLInputElement).checked).toBe(false);
    await user.click(survey);
    expect(changes.at(-1)?.sources).toBeNull();
  });
});

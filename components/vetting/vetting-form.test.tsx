import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Polygon } from "geojson";
import { describe, expect, it } from "vitest";
import type { DrawState } from "./draw-controller";
import { VettingForm, type VettingFormValues } from "./vetting-form";

interface Calls {
  corners: Polygon[];
  submits: [VettingFormValues, boolean][];
  clears: number;
}

function setup(overrides: { draw?: DrawState | null; error?: string | null; warning?: string | null; mapTakes?: boolean } = {}) {
  const calls: Calls = { corners: [], submits: [], clears: 0 };
  const props = {
    editing: null,
    initial: { classification: null, rangeQualifier: null, comment: "" },
    areaEditable: true,
    draw: "draw" in overrides ? overrides.draw! : { mode: "draw" as const, polygons: 0, drawing: false },
    busy: false,
    error: overrides.error ?? null,
    warning: overrides.warning ?? null,
    onMode: () => undefined,
    onClear: () => calls.clears++,
    onCorners: (polygon: Polygon) => {
      calls.corners.push(polygon);
      return overrides.mapTakes ?? true;
    },
    onSubmit: (values: VettingFormValues, anyway: boolean) => calls.submits.push([values, anyway]),
    onCancel: () => undefined,
    onDelete: () => undefined,
  };
  const view = render(<VettingForm {...props} />);
  return { calls, user: userEvent.setup(), rerender: (next: Partial<typeof props>) => view.rerender(<VettingForm {...props} {...next} />) };
}

const cornersField = () => screen.getByLabelText(/One corner per line/);
const alert = () => screen.getByTestId("vetting-error").textContent;

async function typeCorners(user: ReturnType<typeof userEvent.setup>, text: string) {
  await user.clear(cornersField());
  await user.type(cornersField(), text);
  await user.click(screen.getByRole("button", { name: "Add polygon" }));
}

describe("VettingForm: typed corners", () => {
  it("puts a typed polygon on the map, closed, and empties the field", async () => {
    const { calls, user } = setup();
    await typeCorners(user, "155 -45\n156,-45\n156 -44");
    await waitFor(() => expect(calls.corners).toHaveLength(1));
    expect(calls.corners[0]).toEqual({ type: "Polygon", coordinates: [[[155, -45], [156, -45], [156, -44], [155, -45]]] });
    expect((cornersField() as HTMLTextAreaElement).value).toBe("");
    expect(screen.queryByTestId("vetting-error")).toBeNull();
  });

  it("names a line that is not a corner, and adds nothing", async () => {
    const { calls, user } = setup();
    await typeCorners(user, "155 -45\nnorth\n156 -44");
    expect(alert()).toBe('Line 2 ("north") is not "longitude latitude", e.g. 134.5 -25.2.');
    expect(calls.corners).toEqual([]);
  });

  it("applies the API's area rules at Add: a crossing polygon, and a tiny one told the minimum", async () => {
    const { calls, user } = setup();
    await typeCorners(user, "140 -30\n142 -28\n142 -30\n140 -28");
    await waitFor(() => expect(alert()).toBe("This polygon cannot be a vetting area: polygon intersects itself at (141, -29)."));
    await typeCorners(user, "140 -30\n140.000001 -30\n140 -29.999999");
    await waitFor(() => expect(alert()).toMatch(/^This polygon cannot be a vetting area: outer ring is too small: it covers 0\.0054 m²; the minimum is 1 m²/));
    expect(calls.corners).toEqual([]);
  });

  it("says so when the map refuses a polygon", async () => {
    const { user } = setup({ mapTakes: false });
    await typeCorners(user, "155 -45\n156 -45\n156 -44");
    await waitFor(() => expect(alert()).toMatch(/^The map could not take this polygon/));
  });
});

describe("VettingForm: submitting", () => {
  it("asks for a polygon, then a classification, before submitting", async () => {
    const { calls, user, rerender } = setup();
    await user.click(screen.getByRole("button", { name: "Submit vetting" }));
    expect(alert()).toBe("Draw at least one polygon on the map, and close it.");
    // A new polygon takes the stale complaint away.
    rerender({ draw: { mode: "draw", polygons: 1, drawing: false } });
    expect(screen.queryByTestId("vetting-error")).toBeNull();
    await user.click(screen.getByRole("button", { name: "Submit vetting" }));
    expect(alert()).toBe("Choose known valid or known invalid.");
    await user.click(screen.getByRole("radio", { name: "known invalid" }));
    await user.type(screen.getByLabelText("Comment (optional)"), "cage escapes");
    await user.click(screen.getByRole("button", { name: "Submit vetting" }));
    expect(calls.submits).toEqual([[{ classification: "known_invalid", rangeQualifier: null, comment: "cage escapes" }, false]]);
    expect(screen.queryByTestId("vetting-error")).toBeNull();
  });

  it("shows the server's refusal as it is given", () => {
    setup({ draw: { mode: "draw", polygons: 1, drawing: false }, error: "The vetting was not saved: area polygon intersects itself." });
    expect(alert()).toBe("The vetting was not saved: area polygon intersects itself.");
  });

  it("drops its complaint on Clear, and asks the page to clear the drawing (and the server's answer)", async () => {
    const { calls, user } = setup({ draw: { mode: "draw", polygons: 1, drawing: false } });
    await user.click(screen.getByRole("button", { name: "Submit vetting" }));
    expect(alert()).toBe("Choose known valid or known invalid.");
    await user.click(screen.getByRole("button", { name: "Clear" }));
    expect(screen.queryByTestId("vetting-error")).toBeNull();
    expect(calls.clears).toBe(1);
  });

  it("warns about an area with no records, and 'Submit anyway' submits regardless", async () => {
    const { calls, user } = setup({ draw: { mode: "draw", polygons: 1, drawing: false }, warning: "This area covers 0 of this species' 11,570 records." });
    expect(screen.getByTestId("vetting-warning").textContent).toContain("covers 0 of this species' 11,570 records");
    await user.click(screen.getByRole("radio", { name: "known valid" }));
    await user.click(screen.getByRole("button", { name: "Submit anyway" }));
    expect(calls.submits).toEqual([[{ classification: "known_valid", rangeQualifier: null, comment: "" }, true]]);
  });
});

describe("VettingForm: folding", () => {
  it("folds to its title bar while a polygon is drawn, and opens again after", () => {
    const { rerender } = setup();
    const form = screen.getByTestId("vetting-form");
    expect(form.getAttribute("data-folded")).toBe("false");
    rerender({ draw: { mode: "draw", polygons: 0, drawing: true } });
    expect(form.getAttribute("data-folded")).toBe("true");
    expect(screen.getByRole("button", { name: "Show the panel" }).getAttribute("aria-expanded")).toBe("false");
    expect(screen.getByTestId("vetting-folded-status").textContent).toMatch(/^Drawing/);
    expect(screen.queryByRole("radio", { name: "known valid" })).toBeNull();
    rerender({ draw: { mode: "draw", polygons: 1, drawing: false } });
    expect(form.getAttribute("data-folded")).toBe("false");
  });

  it("folds and opens by its toggle, keeping what was entered", async () => {
    const { user } = setup();
    await user.click(screen.getByRole("radio", { name: "known valid" }));
    await user.click(screen.getByRole("button", { name: "Hide the panel" }));
    expect(screen.getByTestId("vetting-folded-status").textContent).toBe("0 polygons drawn.");
    await user.click(screen.getByRole("button", { name: "Show the panel" }));
    expect((screen.getByRole("radio", { name: "known valid" }) as HTMLInputElement).checked).toBe(true);
  });
});

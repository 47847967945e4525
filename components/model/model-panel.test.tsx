import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { CURRENT_USER_KEY, type CurrentUser } from "@/components/auth/use-current-user";
import { futureScenarios, modelQueryKey, timeline, type ModelView } from "./api";
import { ModelPanel } from "./model-panel";

const scenarios = [
  { id: 1, name: "Current", scenario: "current", year: null },
  { id: 3, name: "SSP2-4.5 2070", scenario: "SSP2-4.5", year: 2070 },
  { id: 2, name: "SSP2-4.5 2050", scenario: "SSP2-4.5", year: 2050 },
  { id: 4, name: "SSP5-8.5 2050", scenario: "SSP5-8.5", year: 2050 },
];

const ready: ModelView = {
  speciesId: 7,
  status: "ready",
  version: 2,
  fittedAt: "2026-12-05T08:00:00.000Z",
  requestedAt: null,
  failure: null,
  recordsUsed: 1234,
  presenceCells: 321,
  distinctLocations: 400,
  evaluation: {
    presenceCount: 321,
    backgroundCount: 1000,
    trainingAuc: 0.912,
    testAuc: 0.851,
    folds: [1, 2, 3, 4].map(() => ({ testPresences: 80, auc: 0.85 })),
    threshold: 0.1234,
    sensitivity: 0.9,
    specificity: 0.8,
    contributions: [
      { variable: "bio1", percent: 61.2 },
      { variable: "bio12", percent: 38.8 },
    ],
  },
  settings: { background: 1000 },
  scenarios,
};

/** The panel with its answers already in the cache: no request leaves the test. */
function renderPanel(model: ModelView, user: CurrentUser | null) {
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
  client.setQueryData(modelQueryKey(model.speciesId), model);
  client.setQueryData(CURRENT_USER_KEY, user);
  render(
    <QueryClientProvider client={client}>
      <ModelPanel speciesId={model.speciesId} />
    </QueryClientProvider>,
  );
}

const expert: CurrentUser = { id: "u1", name: "E", email: "e@example.org", role: "expert" };

describe("ModelPanel", () => {
  it("shows a ready model's evaluation, downloads and, to experts, the request button", () => {
    renderPanel(ready, expert);
    expect(screen.getByTestId("model-status").textContent).toMatch(/version 2\) from 1,234 records, 321 occupied cells/);
    const evaluation = screen.getByTestId("model-evaluation").textContent;
    expect(evaluation).toContain("0.91");
    expect(evaluation).toContain("0.85");
    expect(evaluation).toContain("0.123");
    expect(evaluation).toContain("61.2 %");
    const links = screen.getAllByRole("link").map((a) => a.getAttribute("href"));
    expect(links).toEqual(["/api/distributions/7/model?download=1", ...scenarios.map((s) => `/api/distributions/7/model/${s.id}/download`)]);
    expect(screen.getByRole("button", { name: "Request a new model" })).toBeTruthy();
  });

  it("says why there is no model, and offers no request to visitors", () => {
    renderPanel({ ...ready, status: "not_enough_records", version: 0, evaluation: null, failure: "12 distinct locations at 0.05°; a model needs more than 20" }, null);
    expect(screen.getByTestId("model-status").textContent).toMatch(/Not enough records to model.*12 distinct locations/);
    expect(screen.queryByRole("link")).toBeNull();
    expect(screen.queryByRole("button")).toBeNull();
  });
});

describe("timeline", () => {
  it("runs from the current climate through a scenario's years", () => {
    expect(timeline(scenarios, "SSP2-4.5").map((s) => s.id)).toEqual([1, 2, 3]);
    expect(futureScenarios(scenarios)).toEqual(["SSP2-4.5", "SSP5-8.5"]);
  });
});

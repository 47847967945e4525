/** What each sync phase (lib/sync/progress.ts) is called in the console, and what its numbers count. */
const PHASES: Record<string, { label: string; unit?: string }> = {
  queued: { label: "Waiting for the worker" },
  species: { label: "Listing species" },
  fetch: { label: "Fetching records", unit: "records" },
  deleted: { label: "Removing records deleted at the ALA" },
  reconcile: { label: "Checking counts", unit: "species" },
  stats: { label: "Updating species statistics" },
  images: { label: "Looking up images" },
  done: { label: "Done" },
};

export function phaseLabel(phase: string): string {
  return PHASES[phase]?.label ?? phase;
}

export function phaseUnit(phase: string): string {
  return PHASES[phase]?.unit ?? "steps";
}

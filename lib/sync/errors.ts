/** Another sync is queued or running: the admin API answers 409. */
export class SyncAlreadyRunning extends Error {
  constructor(readonly runId: number | null) {
    super(runId === null ? "A sync is already running." : `Sync run ${runId} is already queued or running.`);
    this.name = "SyncAlreadyRunning";
  }
}

/** The run was asked to stop (shutdown, test); it stays `running` and the next run resumes it. */
export class SyncAborted extends Error {
  constructor() {
    super("The sync was stopped before it finished; the next run resumes it.");
    this.name = "SyncAborted";
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SyncAborted();
}

/** Step 8's final check: after reconciliation these species' counts still differ, so the run cannot succeed. */
export class CountsDiffer extends Error {
  constructor(readonly species: readonly { guid: string; name: string | null; remote: number; local: number; malformed: number }[]) {
    const fmt = new Intl.NumberFormat("en");
    const named = species
      .slice(0, 5)
      .map((s) => `${s.name ?? s.guid} (${s.guid}): ${fmt.format(s.remote)} at the ALA, ${fmt.format(s.local)} here${s.malformed ? ` and ${fmt.format(s.malformed)} unreadable` : ""}`);
    const more = species.length > 5 ? `; and ${species.length - 5} more` : "";
    super(`Counts still differ after reconciliation for ${species.length} species: ${named.join("; ")}${more}. The last import time is unchanged; the next run tries again.`);
    this.name = "CountsDiffer";
  }
}

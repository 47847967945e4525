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

/**
 * Holds back a fresh process's own build of a species' exact band while the worker's prebuilt
 * chunks of that very data version answer its deep tiles (lib/tiles/exact-chunks-store.ts).
 *
 * The build reads every record (PostgreSQL and this process's main thread) and then clusters them
 * in a worker thread: for the 1.2 M-record species seconds of CPU on each of two cores. Started
 * with the first tile, it competed with the chunk reads it was meant to be hidden behind, and the
 * first street-level tile waited for a core. Chunks give the very same tiles, so nothing is lost by
 * waiting: the build starts once the species' tiles have been quiet for `idleMs`, after `maxMs` at
 * the latest (so a long session does not live on chunk reads), or at once when a request needs the
 * whole band (cluster expansion, a deep tile no chunk answered).
 */
export class ExactBuildGate {
  /** Resolves when the build may start. */
  readonly opened: Promise<void>;
  private release!: () => void;
  private idle: NodeJS.Timeout | undefined;
  private readonly latest: NodeJS.Timeout;
  private isOpen = false;

  constructor(
    private readonly idleMs: number,
    maxMs: number,
  ) {
    this.opened = new Promise((resolve) => (this.release = resolve));
    // Unreferenced: a pending gate must not keep a process (or a test run) alive.
    this.latest = setTimeout(() => this.open(), maxMs).unref();
    this.touch();
  }

  /** A tile of the species was asked for: the quiet period starts again. */
  touch(): void {
    if (this.isOpen) return;
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.open(), this.idleMs).unref();
  }

  open(): void {
    if (this.isOpen) return;
    this.isOpen = true;
    clearTimeout(this.idle);
    clearTimeout(this.latest);
    this.release();
  }
}

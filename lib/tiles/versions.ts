/**
 * Species' data versions as the tile path sees them: read from the database at most once per
 * `ttlMs` per species, so a warm tile costs no database round trip (under a busy database that
 * round trip was most of a tile's latency). A request that names a newer version than the one
 * held (the map puts `v=<dataVersion>` in its tile URLs) re-reads at once, so a client that has
 * seen a sync or vetting never gets older tiles; others may see the old version for up to
 * `ttlMs`, far less than the tiles' own max-age.
 */
export type ReadVersion = (speciesId: number) => Promise<number | null>;

interface Entry {
  version: number | null;
  readAt: number;
}

export class VersionCache {
  private readonly entries = new Map<number, Entry>();
  private readonly reading = new Map<number, Promise<Entry>>();

  constructor(
    private readonly read: ReadVersion,
    readonly ttlMs = 1000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The species' data version (null: no such species), at least `atLeast` when the database has it. */
  async get(speciesId: number, atLeast: number | null = null): Promise<number | null> {
    const held = this.entries.get(speciesId);
    if (held && this.fresh(held, atLeast)) return held.version;
    const started = this.now();
    let entry = await this.load(speciesId);
    // A read already under way may have begun before the version the client names was committed.
    if (!this.newEnough(entry, atLeast) && entry.readAt <= started) entry = await this.load(speciesId);
    return entry.version;
  }

  private fresh(entry: Entry, atLeast: number | null): boolean {
    return this.now() - entry.readAt < this.ttlMs && this.newEnough(entry, atLeast);
  }

  private newEnough(entry: Entry, atLeast: number | null): boolean {
    return atLeast === null || (entry.version !== null && entry.version >= atLeast);
  }

  /** One read per species at a time; concurrent callers share it. */
  private load(speciesId: number): Promise<Entry> {
    let pending = this.reading.get(speciesId);
    if (!pending) {
      const readAt = this.now();
      pending = this.read(speciesId)
        .then((version) => {
          const entry = { version, readAt };
          const held = this.entries.get(speciesId);
          if (!held || held.readAt <= readAt) this.entries.set(speciesId, entry);
          return entry;
        })
        .finally(() => this.reading.delete(speciesId));
      this.reading.set(speciesId, pending);
    }
    return pending;
  }
}

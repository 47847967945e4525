/**
 * Dataset attribution: datasets are upserted by uid the first time a run sees them (metadata
 * refreshed then), and records carry the dataset id.
 */
import type pg from "pg";
import type { ImportRow } from "@/lib/ala/normalise";

type Dataset = NonNullable<ImportRow["dataset"]>;

export class DatasetIds {
  private readonly ids = new Map<string, number>();
  // Resolutions are serialised: they are rare after the first pages, and two pages must not race to insert one uid.
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * `prefix`: stored before every uid, so another atlas's data resources (its own `dr…` uids)
   * never take the ALA's datasets' names and licences.
   */
  constructor(
    private readonly db: pg.Pool,
    private readonly prefix = "",
  ) {}

  get(uid: string): number | undefined {
    return this.ids.get(this.prefix + uid);
  }

  /** Makes sure every dataset has an id (known ones cost nothing). */
  async resolve(datasets: Iterable<Dataset>): Promise<void> {
    const unknown = new Map<string, Dataset>();
    for (const d of datasets) if (!this.ids.has(this.prefix + d.uid)) unknown.set(this.prefix + d.uid, { ...d, uid: this.prefix + d.uid });
    if (unknown.size === 0) return;
    const task = this.queue.then(() => this.upsert([...unknown.values()].filter((d) => !this.ids.has(d.uid))));
    this.queue = task.catch(() => undefined);
    await task;
  }

  private async upsert(list: Dataset[]): Promise<void> {
    if (!list.length) return;
    const cols = [list.map((d) => d.uid), list.map((d) => d.name), list.map((d) => d.providerName), list.map((d) => d.license)];
    // Insert only the missing ones (no sequence values burnt on conflicts), then refresh metadata where it differs.
    await this.db.query(
      `INSERT INTO datasets (uid, name, provider_name, license)
       SELECT n.* FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS n(uid, name, provider_name, license)
       WHERE NOT EXISTS (SELECT 1 FROM datasets d WHERE d.uid = n.uid)
       ON CONFLICT (uid) DO NOTHING`,
      cols,
    );
    const { rows } = await this.db.query<{ id: number; uid: string }>(
      `UPDATE datasets d SET
         name = COALESCE(n.name, d.name), provider_name = COALESCE(n.provider_name, d.provider_name), license = COALESCE(n.license, d.license)
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS n(uid, name, provider_name, license)
       WHERE d.uid = n.uid
       RETURNING d.id, d.uid`,
      cols,
    );
    for (const r of rows) this.ids.set(r.uid, r.id);
  }
}

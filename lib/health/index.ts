import { pool } from "@/lib/db/pool";

export interface Health {
  ok: boolean;
  db: "ok" | "unavailable";
  lastSync: { status: string; finishedAt: string | null } | null;
}

/** What GET /api/health answers: is the database reachable, and how did the latest sync end. */
export async function health(): Promise<Health> {
  try {
    const { rows } = await pool().query<{ status: string; finished_at: Date | null }>(
      // The ALA's sync; other sources' runs are in GET /api/admin/sources.
      `SELECT status, finished_at FROM sync_runs WHERE source_id = 1 ORDER BY id DESC LIMIT 1`,
    );
    const last = rows[0];
    return {
      ok: true,
      db: "ok",
      lastSync: last ? { status: last.status, finishedAt: last.finished_at?.toISOString() ?? null } : null,
    };
  } catch {
    return { ok: false, db: "unavailable", lastSync: null };
  }
}

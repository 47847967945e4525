/**
 * Vettings out to the ALA's vetting service, as the original Edgar's vetting_syncd.py did
 * (jcu-eresearch/Edgar importing/edgar_importing/vetting_syncd.py: send_vetting,
 * send_existing_vetting, send_deleted_vetting): every new, changed and deleted vetting is POSTed
 * as JSON to one URL, keyed by Edgar's vetting id with a status of new, modified or deleted.
 *
 * What is due comes from vetting_outbox, filled by a trigger on vettings in the same transaction as
 * each change (migration 20261205150000). Delivery is at least once: a push is marked sent only
 * after a 2xx, and a version number stops a slow push of an old state from marking a newer one sent.
 * The receiver is expected to treat a repeat of the same id and lastModified as one change.
 */
import wkx from "wkx";
import { z } from "zod";
import type { Config } from "@/lib/config";
import { pool } from "@/lib/db/pool";
import { classificationName, rangeQualifierName } from "@/lib/domain/codes";
import type { Area } from "@/lib/geometry/point-in-area";
import { log } from "@/lib/log";

export interface PushSettings {
  url: string;
  apiKey: string;
  retryBaseMs: number;
  retryMaxMs: number;
  timeoutMs: number;
}

/** The push settings, or null when ALA_VETTING_URL and ALA_VETTING_API_KEY are not both set. */
export function pushSettings(config: Config): PushSettings | null {
  if (!config.ALA_VETTING_URL || !config.ALA_VETTING_API_KEY) return null;
  return {
    url: config.ALA_VETTING_URL,
    apiKey: config.ALA_VETTING_API_KEY,
    retryBaseMs: config.VETTING_PUSH_RETRY_BASE_MS,
    retryMaxMs: config.VETTING_PUSH_RETRY_MAX_MS,
    timeoutMs: config.VETTING_PUSH_TIMEOUT_MS,
  };
}

/** The JSON the ALA receives: a new or changed vetting, or a deletion. */
export const pushedVettingSchema = z.discriminatedUnion("status", [
  z.strictObject({
    apiKey: z.string().min(1),
    id: z.number().int().positive(),
    status: z.enum(["new", "modified"]),
    lastModified: z.iso.datetime(),
    species: z.string().min(1),
    area: z.string().min(1),
    classification: z.enum(["known_valid", "known_invalid"]),
    rangeQualifier: z.string().nullable(),
    comment: z.string().nullable(),
    user: z.strictObject({ email: z.string(), name: z.string() }),
  }),
  z.strictObject({
    apiKey: z.string().min(1),
    id: z.number().int().positive(),
    status: z.literal("deleted"),
    lastModified: z.iso.datetime(),
    species: z.string().nullable(),
  }),
]);
export type PushedVetting = z.infer<typeof pushedVettingSchema>;

export type PushState = "pending" | "sent" | "refused";

interface Claimed {
  vetting_id: number;
  version: number;
  remote_known: boolean;
  attempts: number;
}

interface VettingRow {
  id: number;
  classification: number;
  range_qualifier: number | null;
  area: Area;
  comment: string | null;
  updated_at: Date;
  deleted_at: Date | null;
  scientific_name: string;
  email: string;
  name: string;
}

export function areaToWkt(area: Area): string {
  return wkx.Geometry.parseGeoJSON(area).toWkt();
}

/** What to send for one claimed row; null when there is nothing to tell (deleted before the ALA heard of it). */
function payloadFor(claim: Claimed, row: VettingRow | undefined, apiKey: string): PushedVetting | null {
  if (!row || row.deleted_at) {
    if (!claim.remote_known) return null;
    return {
      apiKey,
      id: claim.vetting_id,
      status: "deleted",
      lastModified: (row?.deleted_at ?? new Date()).toISOString(),
      species: row?.scientific_name ?? null,
    };
  }
  return {
    apiKey,
    id: row.id,
    status: claim.remote_known ? "modified" : "new",
    lastModified: row.updated_at.toISOString(),
    species: row.scientific_name,
    area: areaToWkt(row.area),
    classification: classificationName(row.classification) as "known_valid" | "known_invalid",
    rangeQualifier: rangeQualifierName(row.range_qualifier),
    comment: row.comment,
    user: { email: row.email, name: row.name },
  };
}

type Outcome = { kind: "sent" } | { kind: "refused"; reason: string } | { kind: "failed"; error: string };

/** 2xx sent; a 4xx other than 408/425/429 is the service's refusal, for good; anything else is tried again. */
async function send(settings: PushSettings, payload: PushedVetting): Promise<Outcome> {
  let response: Response;
  try {
    response = await fetch(settings.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", "user-agent": "Edgar vetting push" },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
  } catch (err) {
    return { kind: "failed", error: (err as Error).message.slice(0, 500) };
  }
  const text = (await response.text().catch(() => "")).slice(0, 2_000);
  if (response.ok) return { kind: "sent" };
  const said = messageOf(text);
  const status = `HTTP ${response.status}${said ? `: ${said}` : ""}`;
  if (response.status >= 400 && response.status < 500 && ![408, 425, 429].includes(response.status)) return { kind: "refused", reason: status };
  return { kind: "failed", error: status };
}

/** The service's own words: the JSON error's message (or code), else the text. Stored and shown as plain text. */
function messageOf(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: unknown };
    if (typeof body.message === "string") return body.message.slice(0, 500);
    if (typeof body.error === "string") return body.error.slice(0, 500);
  } catch {
    // not JSON
  }
  return text.trim().slice(0, 500);
}

export function backoffMs(settings: PushSettings, attempts: number): number {
  return Math.min(settings.retryMaxMs, settings.retryBaseMs * 2 ** Math.min(attempts - 1, 30));
}

/**
 * Pushes up to `limit` due vettings, one at a time in id order. Rows are claimed by moving their
 * next attempt past the request's timeout, so two workers never send the same row at once and a
 * worker that dies mid-push leaves them due again soon after.
 */
export async function pushDueVettings(settings: PushSettings, limit = 50): Promise<{ sent: number; refused: number; failed: number }> {
  const db = pool();
  const leaseMs = settings.timeoutMs + 30_000;
  // next_attempt_at keeps milliseconds, rounded: a row made due "now" may be stored up to half a
  // millisecond ahead, and a round straight after must still see it due.
  const { rows: claimed } = await db.query<Claimed>(
    `UPDATE vetting_outbox o SET next_attempt_at = now() + $2 * interval '1 millisecond'
      WHERE vetting_id IN (SELECT vetting_id FROM vetting_outbox WHERE state = 'pending' AND next_attempt_at <= now() + interval '1 millisecond'
                            ORDER BY next_attempt_at, vetting_id LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING o.vetting_id, o.version, o.remote_known, o.attempts`,
    [limit, leaseMs],
  );
  const counts = { sent: 0, refused: 0, failed: 0 };
  if (claimed.length === 0) return counts;
  claimed.sort((a, b) => a.vetting_id - b.vetting_id);
  const { rows } = await db.query<VettingRow>(
    `SELECT v.id, v.classification, v.range_qualifier, v.area, v.comment, v.updated_at, v.deleted_at, s.scientific_name, u.email, u.name
       FROM vettings v JOIN species s ON s.id = v.species_id JOIN "user" u ON u.id = v.author_id
      WHERE v.id = ANY($1)`,
    [claimed.map((c) => c.vetting_id)],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const claim of claimed) {
    const row = byId.get(claim.vetting_id);
    const payload = payloadFor(claim, row, settings.apiKey);
    const outcome: Outcome = payload ? await send(settings, payload) : { kind: "sent" };
    const deleted = !row || row.deleted_at !== null;
    if (outcome.kind === "sent") {
      counts.sent++;
      // A change made while this push was under way keeps the row pending, now as a "modified".
      await db.query(
        `UPDATE vetting_outbox SET state = CASE WHEN version = $2 THEN 'sent' ELSE state END,
                remote_known = remote_known OR $3, sent_at = CASE WHEN $4 THEN now() ELSE sent_at END,
                attempts = 0, last_error = NULL
          WHERE vetting_id = $1`,
        [claim.vetting_id, claim.version, payload !== null && !deleted, payload !== null],
      );
      if (payload) log.info({ vettingId: claim.vetting_id, status: payload.status }, "vetting pushed to the ALA");
    } else if (outcome.kind === "refused") {
      counts.refused++;
      await db.query(
        `UPDATE vetting_outbox SET state = 'refused', refused_reason = $3, last_error = NULL, attempts = attempts + 1
          WHERE vetting_id = $1 AND version = $2`,
        [claim.vetting_id, claim.version, outcome.reason],
      );
      log.warn({ vettingId: claim.vetting_id, reason: outcome.reason }, "the ALA's vetting service refused a vetting");
    } else {
      counts.failed++;
      const attempts = claim.attempts + 1;
      await db.query(
        `UPDATE vetting_outbox SET attempts = $3, last_error = $4, next_attempt_at = now() + $5 * interval '1 millisecond'
          WHERE vetting_id = $1 AND version = $2`,
        [claim.vetting_id, claim.version, attempts, outcome.error, backoffMs(settings, attempts)],
      );
      log.warn({ vettingId: claim.vetting_id, attempts, error: outcome.error }, "vetting push failed; it is tried again later");
    }
  }
  return counts;
}

export interface VettingPushStatus {
  state: PushState;
  attempts: number;
  lastError: string | null;
  refusedReason: string | null;
  sentAt: string | null;
  nextAttemptAt: string | null;
}

interface StatusRow {
  vetting_id: number;
  state: PushState;
  attempts: number;
  last_error: string | null;
  refused_reason: string | null;
  sent_at: Date | null;
  next_attempt_at: Date;
}

function toStatus(r: StatusRow): VettingPushStatus {
  return {
    state: r.state,
    attempts: r.attempts,
    lastError: r.last_error,
    refusedReason: r.refused_reason,
    sentAt: r.sent_at?.toISOString() ?? null,
    nextAttemptAt: r.state === "pending" ? r.next_attempt_at.toISOString() : null,
  };
}

/** Each vetting's push state (vettings never queued, such as a source account's, are absent). */
export async function pushStatuses(vettingIds: number[]): Promise<Map<number, VettingPushStatus>> {
  const { rows } = await pool().query<StatusRow>(
    `SELECT vetting_id, state, attempts, last_error, refused_reason, sent_at, next_attempt_at FROM vetting_outbox WHERE vetting_id = ANY($1)`,
    [vettingIds],
  );
  return new Map(rows.map((r) => [r.vetting_id, toStatus(r)]));
}

export interface PushOverview {
  configured: boolean;
  url: string | null;
  counts: Record<PushState, number>;
  /** Pending and refused vettings, the longest waiting first. */
  outstanding: (VettingPushStatus & { vettingId: number; species: string | null; changedAt: string })[];
}

/** For the admin console: how many are pending, sent and refused, and which are outstanding. */
export async function pushOverview(settings: PushSettings | null, limit = 50): Promise<PushOverview> {
  const db = pool();
  const { rows: countRows } = await db.query<{ state: PushState; n: number }>(`SELECT state, count(*)::int AS n FROM vetting_outbox GROUP BY state`);
  const counts: Record<PushState, number> = { pending: 0, sent: 0, refused: 0 };
  for (const r of countRows) counts[r.state] = r.n;
  const { rows } = await db.query<StatusRow & { species: string | null; changed_at: Date }>(
    `SELECT o.vetting_id, o.state, o.attempts, o.last_error, o.refused_reason, o.sent_at, o.next_attempt_at, o.changed_at, s.scientific_name AS species
       FROM vetting_outbox o LEFT JOIN vettings v ON v.id = o.vetting_id LEFT JOIN species s ON s.id = v.species_id
      WHERE o.state <> 'sent' ORDER BY o.changed_at, o.vetting_id LIMIT $1`,
    [limit],
  );
  return {
    configured: settings !== null,
    url: settings?.url ?? null,
    counts,
    outstanding: rows.map((r) => ({ vettingId: r.vetting_id, species: r.species, changedAt: r.changed_at.toISOString(), ...toStatus(r) })),
  };
}

/**
 * Sends a refused vetting again (once whatever the service refused has been put right there, such
 * as a species it did not know). Returns false when the vetting is not refused.
 */
export async function retryRefusedPush(vettingId: number): Promise<boolean> {
  const { rowCount } = await pool().query(
    `UPDATE vetting_outbox SET state = 'pending', refused_reason = NULL, attempts = 0, next_attempt_at = now() WHERE vetting_id = $1 AND state = 'refused'`,
    [vettingId],
  );
  return rowCount === 1;
}

/**
 * The worker's push-vettings job: every `intervalMs`, push what is due, one round at a time.
 * Returns a stop function that waits for a round under way.
 */
export function startVettingPusher(settings: PushSettings, intervalMs: number): () => Promise<void> {
  let round: Promise<unknown> = Promise.resolve();
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    round = (async () => {
      try {
        // Keep going while full batches come back, so a backlog drains without waiting for ticks.
        for (;;) {
          const done = await pushDueVettings(settings);
          if (done.sent + done.refused + done.failed < 50 || done.failed > 0) break;
        }
      } catch (err) {
        log.error({ err }, "vetting push round failed; it is tried again at the next tick");
      } finally {
        running = false;
      }
    })();
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  return async () => {
    clearInterval(timer);
    await round;
  };
}

/**
 * What the database announces on `edgar_events` (prisma/migrations/20261205120000_live_events)
 * and what the SSE streams carry: ids and versions, never a record's position.
 */
import { z } from "zod";

export const EVENTS_CHANNEL = "edgar_events";

const id = z.number().int().positive();

export const edgarEventSchema = z.discriminatedUnion("type", [
  /** The species' data version moved, or a re-classification finished. */
  z.object({ id, type: z.literal("species"), speciesId: id, dataVersion: z.number().int() }),
  /** One of the species' vettings was made, changed or deleted. */
  z.object({ id, type: z.literal("vettings"), speciesId: id }),
  /** The species' range products were rebuilt (from records of `dataVersion`). */
  z.object({ id, type: z.literal("distribution"), speciesId: id, dataVersion: z.number().int() }),
  /** The species' model changed status (queued, fitting, ready, failed, not enough records) or version. */
  z.object({ id, type: z.literal("model"), speciesId: id, version: z.number().int() }),
  /** A sync run was queued, progressed or ended. */
  z.object({
    id,
    type: z.literal("sync"),
    runId: id,
    status: z.enum(["queued", "running", "succeeded", "failed"]),
    phase: z.string(),
    done: z.number(),
    total: z.number(),
    added: z.number(),
    updated: z.number(),
    deleted: z.number(),
    skipped: z.number(),
    /** What the run is waiting for, if anything (an ALA download being prepared). */
    message: z.string().nullable(),
  }),
  /** A source's import run started, moved on (waiting for GBIF, importing) or ended (docs/sources.md). */
  z.object({
    id,
    type: z.literal("source"),
    runId: id,
    sourceId: id,
    status: z.enum(["waiting", "running", "succeeded", "failed"]),
    /** GBIF's status of the run's download (PREPARING, RUNNING, SUCCEEDED…); null for other kinds. */
    downloadStatus: z.string().nullable(),
  }),
]);

export type EdgarEvent = z.infer<typeof edgarEventSchema>;

/** A stream listens to one topic: one species' public events, or the admins' sync and source-run events. */
export type Topic = `species:${number}` | "admin:sync";

export function topicOf(event: EdgarEvent): Topic {
  return event.type === "sync" || event.type === "source" ? "admin:sync" : `species:${event.speciesId}`;
}

/** The first message of every stream: where things stand, so a client that missed events catches up. */
export type Snapshot =
  | { type: "snapshot"; topic: `species:${number}`; speciesId: number; dataVersion: number; vettingsVersion: string; reclassifying: boolean }
  | { type: "snapshot"; topic: "admin:sync"; run: { runId: number; status: string } | null };

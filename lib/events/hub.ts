/**
 * The fan-out of a web process: one LISTEN connection (listener.ts) whatever the number of open
 * streams, each event handed to the streams of its topic. Keeps the last events it heard so a
 * client reconnecting with `Last-Event-ID` is replayed what it missed without asking the database.
 * Caps the streams per client and in all, so a client cannot hold the process's sockets.
 */
import { randomBytes } from "node:crypto";
import { log } from "@/lib/log";
import { listen, type Listener } from "./listener";
import { edgarEventSchema, EVENTS_CHANNEL, topicOf, type EdgarEvent, type Topic } from "./types";

export interface HubOptions {
  url: string;
  /** Open streams this process serves at most (then 503). */
  maxStreams: number;
  /** Open streams one client (user or address) holds at most (then 429). */
  maxPerClient: number;
  /** Events kept for replay. */
  bufferSize?: number;
}

export interface Subscriber {
  deliver(event: EdgarEvent, cursor: string): void;
  /** The hub lost events (its connection broke): the stream must end so its client starts afresh. */
  reset(): void;
}

export type OpenResult =
  | { ok: true; cursor: string; close(): void }
  | { ok: false; reason: "client_limit" | "server_limit" | "unavailable" };

const DEFAULT_BUFFER = 4096;

export class EventHub {
  private listener: Listener | undefined;
  private listening = false;
  /** Changes whenever events may have been missed (start, lost connection): older cursors are void. */
  private epoch = newEpoch();
  private seq = 0;
  private buffer: { seq: number; event: EdgarEvent }[] = [];
  private topics = new Map<Topic, Set<Subscriber>>();
  private perClient = new Map<string, number>();
  private total = 0;
  private readonly bufferSize: number;

  constructor(private readonly options: HubOptions) {
    this.bufferSize = options.bufferSize ?? DEFAULT_BUFFER;
  }

  /**
   * Starts listening (once); resolves when the LISTEN is in place, or after `waitMs` without it
   * (streams are then refused as unavailable, and the pages poll).
   */
  async start(waitMs = 5_000): Promise<void> {
    this.listener ??= listen({
      url: this.options.url,
      channel: EVENTS_CHANNEL,
      onMessage: (payload) => this.receive(payload),
      onReady: () => (this.listening = true),
      onLost: () => this.lose(),
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.listener.ready, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
  }

  async stop(): Promise<void> {
    const l = this.listener;
    this.listener = undefined;
    this.listening = false;
    await l?.stop();
    this.lose();
  }

  /** Open streams, in all and of one client (for tests and the bench). */
  counts(clientKey?: string): { total: number; client: number } {
    return { total: this.total, client: clientKey ? (this.perClient.get(clientKey) ?? 0) : 0 };
  }

  /** The position of the latest event heard: a stream that starts now has seen everything up to it. */
  cursor(): string {
    return `${this.epoch}.${this.seq}`;
  }

  open(topic: Topic, clientKey: string, subscriber: Subscriber): OpenResult {
    if (!this.listening) return { ok: false, reason: "unavailable" };
    if (this.total >= this.options.maxStreams) return { ok: false, reason: "server_limit" };
    const held = this.perClient.get(clientKey) ?? 0;
    if (held >= this.options.maxPerClient) return { ok: false, reason: "client_limit" };
    this.perClient.set(clientKey, held + 1);
    this.total++;
    let subscribers = this.topics.get(topic);
    if (!subscribers) this.topics.set(topic, (subscribers = new Set()));
    subscribers.add(subscriber);
    let open = true;
    return {
      ok: true,
      cursor: this.cursor(),
      close: () => {
        if (!open) return;
        open = false;
        this.total--;
        const n = (this.perClient.get(clientKey) ?? 1) - 1;
        if (n > 0) this.perClient.set(clientKey, n);
        else this.perClient.delete(clientKey);
        subscribers.delete(subscriber);
        if (subscribers.size === 0 && this.topics.get(topic) === subscribers) this.topics.delete(topic);
      },
    };
  }

  /**
   * The events of `topic` heard after `cursor`, each with its own cursor; null when they cannot
   * all be told (a cursor of another process or epoch, or older than the events kept).
   */
  since(topic: Topic, cursor: string): { event: EdgarEvent; cursor: string }[] | null {
    const match = /^([0-9a-f]+)\.(\d+)$/.exec(cursor);
    if (!match || match[1] !== this.epoch) return null;
    const after = Number(match[2]);
    if (after > this.seq) return null;
    const oldest = this.buffer[0]?.seq ?? this.seq + 1;
    // Every event after `after` must still be kept.
    if (after + 1 < oldest && after < this.seq) return null;
    return this.buffer
      .filter((b) => b.seq > after && topicOf(b.event) === topic)
      .map((b) => ({ event: b.event, cursor: `${this.epoch}.${b.seq}` }));
  }

  private receive(payload: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      parsed = undefined;
    }
    const result = edgarEventSchema.safeParse(parsed);
    if (!result.success) {
      log.warn({ payload: payload.slice(0, 200) }, "ignored an unreadable event notification");
      return;
    }
    const event = result.data;
    const seq = ++this.seq;
    this.buffer.push({ seq, event });
    if (this.buffer.length > this.bufferSize) this.buffer.splice(0, this.buffer.length - this.bufferSize);
    const cursor = `${this.epoch}.${seq}`;
    for (const s of this.topics.get(topicOf(event)) ?? []) {
      try {
        s.deliver(event, cursor);
      } catch (err) {
        log.warn({ err }, "an event stream failed to take an event");
      }
    }
  }

  private lose(): void {
    this.listening = false;
    this.epoch = newEpoch();
    this.seq = 0;
    this.buffer = [];
    for (const subscribers of [...this.topics.values()]) for (const s of [...subscribers]) s.reset();
  }
}

function newEpoch(): string {
  return randomBytes(6).toString("hex");
}

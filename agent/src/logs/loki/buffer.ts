// A bounded, retrying Loki pusher. Lines wait in a ring of at most `maxLines`; when it is full
// the oldest are dropped and counted. A failed push (network, timeout, 429, 5xx) keeps its lines
// and is retried with exponential backoff and full jitter; any other answer (a 4xx other than
// 429, or a redirect, which is not followed) means Loki will never take that batch, so its lines
// are counted as dropped. pino-loki drops a batch on any failure and cannot report what it
// lost, which is why the agent ships its own sender.
import { createPoster, type Poster } from './poster.ts';
import type { LokiLine } from './line.ts';
import { encodeEntryMetadata } from './metadata.ts';
import { encodePush, LokiStreams } from './push.ts';

export interface LokiBufferOptions {
  readonly pushUrl: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Structured metadata for every line (the pod and node, resource.ts): stored, not indexed. */
  readonly metadata?: Readonly<Record<string, string>>;
  readonly maxLines: number;
  readonly batchLines?: number;
  /** A batch ends at this many characters of lines, as Promtail's ends at 1 MiB: Loki limits a push's size. */
  readonly batchChars?: number;
  readonly intervalMs?: number;
  readonly timeoutMs?: number;
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface LokiCounters {
  dropped(count: number): void;
  delivered(count: number): void;
  exportError(): void;
}

export class LokiBuffer {
  readonly #options: Required<Omit<LokiBufferOptions, 'headers' | 'metadata'>> & { headers: Readonly<Record<string, string>> };
  readonly #counters: LokiCounters;
  readonly #streams: LokiStreams;
  readonly #metadata: Uint8Array;
  readonly #poster: Poster;
  /** The buffered lines are #lines[#head…]: dropping the oldest moves #head, not the array. */
  #lines: LokiLine[] = [];
  #head = 0;
  #timer: NodeJS.Timeout | undefined;
  /** The pending timer fires at once (a full batch waits): nothing can bring it sooner. */
  #timerNow = false;
  #inFlight: Promise<void> | undefined;
  #failures = 0;
  #retryAt = 0;

  constructor(options: LokiBufferOptions, counters: LokiCounters) {
    this.#options = {
      batchLines: 1000,
      batchChars: 1024 * 1024,
      intervalMs: 1000,
      timeoutMs: 10_000,
      minBackoffMs: 250,
      // Short enough that a full buffer drains soon after Loki returns (at 400 lines/s a 10,000-line
      // buffer lasts 25 s); a 30 s ceiling let lines overflow while the sender still waited.
      maxBackoffMs: 5000,
      headers: {},
      ...options,
    };
    this.#counters = counters;
    this.#streams = new LokiStreams(this.#options.labels);
    this.#metadata = encodeEntryMetadata(options.metadata ?? {});
    this.#poster = createPoster(this.#options.pushUrl, { 'content-type': 'application/x-protobuf', ...this.#options.headers });
  }

  get size(): number {
    return this.#lines.length - this.#head;
  }

  add(line: LokiLine): void {
    this.#lines.push(line);
    const excess = this.size - this.#options.maxLines;
    if (excess > 0) {
      // A splice here moved the whole buffer for every line past the limit: a flood that
      // overflowed it left the worker too busy dropping lines to send any.
      this.#advance(excess);
      this.#counters.dropped(excess);
    }
    if (this.size >= this.#options.batchLines) this.#kick(0);
    else this.#kick(this.#options.intervalMs);
  }

  /** Pushes everything buffered, retrying until `deadline` (epoch ms); what is left then is dropped. */
  async drain(deadline: number): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerNow = false;
    while (Date.now() < deadline) {
      if (this.#inFlight) await this.#inFlight;
      if (this.size === 0) return;
      const wait = Math.min(this.#retryAt - Date.now(), deadline - Date.now());
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (Date.now() >= deadline) break;
      await this.#pushOnce(Math.max(1, Math.min(this.#options.timeoutMs, deadline - Date.now())));
    }
    if (this.size > 0) {
      this.#counters.dropped(this.size);
      this.#lines = [];
      this.#head = 0;
    }
  }

  #kick(delayMs: number): void {
    if (this.#inFlight !== undefined) return;
    const at = Math.max(delayMs, this.#retryAt - Date.now());
    if (this.#timer !== undefined) {
      // A full batch already waits for a timer: re-arming it for every line added showed up in
      // the worker's profile.
      if (at > 0 || this.#timerNow) return;
      clearTimeout(this.#timer);
    }
    this.#timerNow = at <= 0;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerNow = false;
      void this.#pushOnce(this.#options.timeoutMs).then(() => {
        if (this.size > 0) this.#kick(this.size >= this.#options.batchLines ? 0 : this.#options.intervalMs);
      });
    }, at);
  }

  #pushOnce(timeoutMs: number): Promise<void> {
    if (this.#inFlight !== undefined) return this.#inFlight;
    const batch = this.#nextBatch();
    if (batch.length === 0) return Promise.resolve();
    this.#inFlight = this.#send(batch, timeoutMs)
      .then((outcome) => {
        if (outcome === 'retry') {
          this.#failures += 1;
          this.#counters.exportError();
          const ceiling = Math.min(this.#options.maxBackoffMs, this.#options.minBackoffMs * 2 ** Math.min(this.#failures, 20));
          this.#retryAt = Date.now() + Math.random() * ceiling;
          return;
        }
        this.#failures = 0;
        this.#retryAt = 0;
        this.#removeSent(batch);
        if (outcome === 'delivered') this.#counters.delivered(batch.length);
        else {
          this.#counters.exportError();
          this.#counters.dropped(batch.length);
        }
      })
      .finally(() => {
        this.#inFlight = undefined;
      });
    return this.#inFlight;
  }

  /** The oldest lines, up to the batch's line count or its size, whichever comes first; at least one. */
  #nextBatch(): LokiLine[] {
    const { batchLines, batchChars } = this.#options;
    const last = Math.min(this.#lines.length, this.#head + batchLines);
    let end = this.#head;
    let chars = 0;
    for (; end < last; end++) {
      // Each entry carries the metadata too: it counts toward the size Loki limits.
      chars += (this.#lines[end] as LokiLine).line.length + this.#metadata.length;
      if (chars > batchChars && end > this.#head) break;
    }
    return this.#lines.slice(this.#head, end);
  }

  /** Lines dropped for overflow while the batch was in flight may include some of the batch. */
  #removeSent(batch: readonly LokiLine[]): void {
    const last = batch[batch.length - 1];
    const index = last === undefined ? -1 : this.#lines.lastIndexOf(last);
    if (index >= this.#head) this.#advance(index + 1 - this.#head);
  }

  /** Forgets the `count` oldest lines; the array is compacted once half of it is forgotten. */
  #advance(count: number): void {
    this.#head += count;
    if (this.#head * 2 >= this.#lines.length) {
      this.#lines.splice(0, this.#head);
      this.#head = 0;
    }
  }

  async #send(batch: readonly LokiLine[], timeoutMs: number): Promise<'delivered' | 'rejected' | 'retry'> {
    try {
      const status = await this.#poster.post(encodePush(batch, this.#streams, this.#metadata), timeoutMs);
      if (status >= 200 && status < 300) return 'delivered';
      return status === 429 || status >= 500 ? 'retry' : 'rejected';
    } catch {
      return 'retry';
    }
  }
}

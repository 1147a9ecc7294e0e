// A body the viewer cannot take: answered with 400 (or 413) and this one-line reason, and nothing stored.
import type { CounterName } from '../store/counters.ts';

export class BadRequestError extends Error {
  readonly status: number;

  constructor(message: string, status = 400) {
    super(message);
    this.status = status;
  }

  /** What the refusal is counted as. */
  get counter(): CounterName {
    return this.status === 413 ? 'requests_refused_too_large' : 'requests_refused_malformed';
  }

  /** A body over the limit may still be arriving: the connection is closed rather than read to its end. */
  get headers(): Record<string, string> {
    return this.status === 413 ? { connection: 'close' } : {};
  }
}

// Fault switches: what a service should get wrong on purpose, set at run time through
// PUT /admin/faults. Validation is strict so a typo in a scenario is a 400, not a silent no-op.
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpError, isRecord } from './http-errors.ts';

export interface FaultSettings {
  /** Share of requests (and consumed messages) that fail, 0..1. */
  readonly errorRate: number;
  /** Added to every request and consumed message. */
  readonly latencyMs: number;
  /** Every request is refused with 503 and every message is rejected. */
  readonly outage: boolean;
  /** Each second the event loop is held busy this long (ThreadlineEventLoopLag). */
  readonly eventLoopBlockMs: number;
  /** Heap retained per minute, up to a cap (ThreadlineHeapGrowth). */
  readonly memoryLeakMbPerMinute: number;
}

export const NO_FAULTS: FaultSettings = { errorRate: 0, latencyMs: 0, outage: false, eventLoopBlockMs: 0, memoryLeakMbPerMinute: 0 };

interface NumberRule {
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
}

const NUMBER_RULES: Readonly<Record<Exclude<keyof FaultSettings, 'outage'>, NumberRule>> = {
  errorRate: { min: 0, max: 1, integer: false },
  latencyMs: { min: 0, max: 60_000, integer: true },
  eventLoopBlockMs: { min: 0, max: 900, integer: true },
  memoryLeakMbPerMinute: { min: 0, max: 64, integer: true },
};

const KNOWN_KEYS = [...Object.keys(NUMBER_RULES), 'outage'];

/**
 * Parses a PUT body. Omitted fields are off: a PUT states the whole fault setting, so
 * `{}` clears every fault.
 */
export function parseFaultSettings(body: unknown): FaultSettings {
  if (!isRecord(body)) throw new HttpError(400, 'fault settings must be a JSON object, e.g. {"errorRate": 0.5, "latencyMs": 200, "outage": false}');
  const unknown = Object.keys(body).filter((key) => !KNOWN_KEYS.includes(key));
  if (unknown.length > 0) throw new HttpError(400, `unknown fault setting ${unknown.map((k) => JSON.stringify(k)).join(', ')}; known: ${KNOWN_KEYS.join(', ')}`);
  const result: Record<string, number | boolean> = { ...NO_FAULTS };
  for (const [key, rule] of Object.entries(NUMBER_RULES)) {
    const value = body[key];
    if (value === undefined) continue;
    const kind = rule.integer ? 'a whole number' : 'a number';
    if (typeof value !== 'number' || !Number.isFinite(value) || value < rule.min || value > rule.max || (rule.integer && !Number.isInteger(value))) {
      throw new HttpError(400, `${key} must be ${kind} from ${rule.min} to ${rule.max}, got ${JSON.stringify(value)}`);
    }
    result[key] = value;
  }
  if (body.outage !== undefined) {
    if (typeof body.outage !== 'boolean') throw new HttpError(400, `outage must be true or false, got ${JSON.stringify(body.outage)}`);
    result.outage = body.outage;
  }
  return result as unknown as FaultSettings;
}

/** The current fault settings of this process and what they do to one unit of work. */
export class Faults {
  #settings: FaultSettings = NO_FAULTS;
  readonly #listeners: Array<(settings: FaultSettings) => void> = [];

  get settings(): FaultSettings {
    return this.#settings;
  }

  set(settings: FaultSettings): void {
    this.#settings = settings;
    for (const listener of this.#listeners) listener(settings);
  }

  onChange(listener: (settings: FaultSettings) => void): void {
    this.#listeners.push(listener);
  }

  /** Applies latency, outage and error rate to one request or message; throws when it must fail. */
  async inject(): Promise<void> {
    const { outage, latencyMs, errorRate } = this.#settings;
    if (outage) throw new HttpError(503, 'service unavailable (fault injected: outage)');
    if (latencyMs > 0) await sleep(latencyMs);
    if (errorRate > 0 && Math.random() < errorRate) throw new HttpError(500, 'internal error (fault injected: errorRate)');
  }
}

// Label values that come from the outside world (hosts a service calls, queues it consumes)
// are kept to the first N distinct values; the rest share `other`. A series per random host
// or queue name would grow the registry, every scrape and Prometheus without bound.
export const OTHER = 'other';

export class BoundedLabel {
  readonly #limit: number;
  readonly #seen = new Set<string>();

  constructor(limit: number) {
    this.#limit = limit;
  }

  value(raw: string): string {
    if (this.#seen.has(raw)) return raw;
    if (this.#seen.size >= this.#limit) return OTHER;
    this.#seen.add(raw);
    return raw;
  }
}

// Values worked out once and looked up on every request (a route's JSON, an origin's parts, a
// label set's series key) whose keys come from outside and are not bounded by the agent: when
// `limit` values are held, the cache forgets them all and starts again. Keys may be a path (one
// key per level, for keys made of several values without building a string of them); levels
// hold no values themselves and are dropped with the values beneath them.
export type CacheLevel = Map<unknown, unknown>;

export class BoundedCache<V> {
  readonly #limit: number;
  #top: CacheLevel = new Map();
  #size = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** The first level: a cache of single keys reads and writes only here. */
  get top(): CacheLevel {
    return this.#top;
  }

  /** The level under `key` in `level`, made on first use. */
  level(level: CacheLevel, key: unknown): CacheLevel {
    let next = level.get(key) as CacheLevel | undefined;
    if (next === undefined) {
      next = new Map();
      level.set(key, next);
    }
    return next;
  }

  get(key: unknown, level: CacheLevel = this.#top): V | undefined {
    return level.get(key) as V | undefined;
  }

  /** Keeps `value` under `key`, unless the cache is full: then it starts again, empty. */
  set(key: unknown, value: V, level: CacheLevel = this.#top): V {
    if (this.#size >= this.#limit) {
      this.#top = new Map();
      this.#size = 0;
    } else {
      level.set(key, value);
      this.#size++;
    }
    return value;
  }
}

// The root of each inbound request's context. OpenTelemetry's own context copies a Map and makes
// three closures on every setValue, and a request sets several values (its correlation ID, its
// span, a client span per outgoing call, whatever the app and instrumentations add). This one
// keeps the same contract (immutable; a value set on a context is seen by it and by what derives
// from it, never by its parent) as a chain of one small object per value, looked up by walking
// the links back to the root (docs/performance.md has what it saves). A chain that grows long (an
// app that derives contexts in a loop) is folded into one holding only the values still visible;
// the next fold waits until the chain has grown by as many links again, so that with many live
// values a fold is not repeated on every setValue, and a lookup walks at most twice the live values.
import type { Context } from '@opentelemetry/api';

/** A chain is folded once it has this many links, or twice the links of its last fold if more. */
const MIN_FOLD_LINKS = 32;

class ChainedContext implements Context {
  readonly #parent: ChainedContext | undefined;
  readonly #key: symbol | undefined;
  readonly #value: unknown;
  readonly #links: number;
  /** The link count at which setValue folds the chain. */
  readonly #foldAt: number;

  constructor(parent: ChainedContext | undefined, key: symbol | undefined, value: unknown, foldAt = parent === undefined ? MIN_FOLD_LINKS : parent.#foldAt) {
    this.#parent = parent;
    this.#key = key;
    this.#value = value;
    this.#links = parent === undefined ? 0 : parent.#links + 1;
    this.#foldAt = foldAt;
  }

  /** Links from here back to the root (for tests: a lookup walks at most this many). */
  get links(): number {
    return this.#links;
  }

  getValue(key: symbol): unknown {
    if (this.#key === key) return this.#value;
    for (let node = this.#parent; node !== undefined; node = node.#parent) {
      if (node.#key === key) return node.#value;
    }
    return undefined;
  }

  setValue(key: symbol, value: unknown): Context {
    return new ChainedContext(this.#links < this.#foldAt ? this : this.#folded(key), key, value);
  }

  /** A deleted value reads as never set, as with OpenTelemetry's Map. */
  deleteValue(key: symbol): Context {
    return this.setValue(key, undefined);
  }

  /** The same values as a new chain from the root, without `replaced` and without deleted values. */
  #folded(replaced: symbol): ChainedContext {
    const visible = new Map<symbol, unknown>();
    const keep = (node: ChainedContext): void => {
      const key = node.#key;
      if (key !== undefined && key !== replaced && !visible.has(key)) visible.set(key, node.#value);
    };
    keep(this);
    for (let node = this.#parent; node !== undefined; node = node.#parent) keep(node);
    const live = [...visible].filter(([, value]) => value !== undefined);
    const foldAt = Math.max(MIN_FOLD_LINKS, 2 * (live.length + 1));
    let chain = new ChainedContext(undefined, undefined, undefined, foldAt);
    for (const [key, value] of live) chain = new ChainedContext(chain, key, value);
    return chain;
  }
}

const ROOT = new ChainedContext(undefined, undefined, undefined);

/** An empty context, like OpenTelemetry's ROOT_CONTEXT, whose descendants are cheap to make. */
export const REQUEST_ROOT: Context = ROOT;

/** How many links a lookup in `ctx` may walk; undefined for a context that is not a chain. */
export function chainLength(ctx: Context): number | undefined {
  return ctx instanceof ChainedContext ? ctx.links : undefined;
}

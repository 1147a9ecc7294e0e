// Instrumentations for libraries that most services never load (mysql2, node-redis, NATS) are
// created when the app first requires the library, not at start-up: a service that uses none of
// them pays one map lookup per bare `require` until then, and nothing at all once each has fired.
// The trigger runs before the library loads, so the instrumentation's require hooks see the
// library's own files as they load.
import Module from 'node:module';

type Require = (this: NodeJS.Module, id: string) => unknown;

/** The package a bare specifier names (`@scope/name/sub` → `@scope/name`); undefined otherwise. */
export function packageOf(id: string): string | undefined {
  const first = id.charCodeAt(0);
  // '.', '/' and 'node:' (and other URL schemes) never name a package.
  if (first === 46 || first === 47 || id.includes(':')) return undefined;
  const slash = id.indexOf('/');
  if (slash === -1) return id;
  if (first !== 64) return id.slice(0, slash);
  const second = id.indexOf('/', slash + 1);
  return second === -1 ? id : id.slice(0, second);
}

/**
 * Calls each trigger once, just before the first `require` of any of its packages (or a file in
 * them). A trigger that throws is reported and the require goes on untouched.
 */
export function onFirstRequire(triggers: ReadonlyMap<string, () => void>, onError: (name: string, error: unknown) => void): void {
  const pending = new Map(triggers);
  if (pending.size === 0) return;
  const prototype = Module.prototype as unknown as { require: Require };
  const original = prototype.require;
  prototype.require = function require(this: NodeJS.Module, id: string): unknown {
    if (pending.size !== 0 && typeof id === 'string') {
      const name = packageOf(id);
      const trigger = name === undefined ? undefined : pending.get(name);
      if (trigger !== undefined) {
        // One library may answer to several names (redis and @redis/client): fire it once.
        for (const [key, value] of pending) if (value === trigger) pending.delete(key);
        try {
          trigger();
        } catch (error) {
          onError(name as string, error);
        }
      }
    }
    return original.call(this, id);
  };
}

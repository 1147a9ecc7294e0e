// Hono 4 on @hono/node-server. Hono has no hook or diagnostics channel, and the Context that
// knows the matched route is made inside a private method, so the agent reaches the two public
// seams each app has: its router (`app.router`, Hono's documented Router interface, whose `add`
// is given every route with its full path, sub-apps mounted with `route` and base paths
// included) and its not-found handler (`app.notFound`). To reach them it replaces the `Hono`
// class that the package exports with a subclass that sets them up in its constructor.
// @hono/node-server hands each request's IncomingMessage to the app as `c.env.incoming`.
import type { IncomingMessage } from 'node:http';
import { patchOnLoad } from './on-load.ts';
import { reportRoute, UNMATCHED_ROUTE } from '../route.ts';

interface HonoContext {
  readonly env?: { readonly incoming?: IncomingMessage };
  text(text: string, status: number): unknown;
}
type Handler = (c: HonoContext, next: unknown) => unknown;
interface Router {
  add(method: string, path: string, handler: unknown): void;
}
interface HonoApp {
  router?: Router;
  notFound?: (handler: Handler) => unknown;
  basePath?(path: string): HonoApp;
}
type HonoClass = new (...args: unknown[]) => HonoApp;

const PATCHED = Symbol('threadline.hono');

function incomingOf(c: HonoContext): IncomingMessage | undefined {
  const incoming = c.env?.incoming;
  return typeof incoming === 'object' && incoming !== null ? incoming : undefined;
}

/** Each handler that runs reports its route; the last one to run (the deepest) wins. */
function reporting(handler: Handler, path: string): Handler {
  return function routeReporting(c, next) {
    const incoming = incomingOf(c);
    if (incoming !== undefined) reportRoute(incoming, path);
    return handler(c, next);
  };
}

function unmatched(handler: Handler): Handler {
  return function notFound(c, next) {
    const incoming = incomingOf(c);
    if (incoming !== undefined) reportRoute(incoming, UNMATCHED_ROUTE);
    return handler(c, next);
  };
}

/** Hono 4's own default not-found handler. */
const honoNotFound: Handler = (c) => c.text('404 Not Found', 404);

/** `fresh`: a new app, whose not-found handler is still Hono's default. */
function setUp(app: HonoApp, fresh: boolean): void {
  const router = app.router as (Router & { [PATCHED]?: true }) | undefined;
  if (router !== undefined && typeof router.add === 'function' && router[PATCHED] !== true) {
    const add = router.add;
    router.add = function addRoute(method, path, entry) {
      // Hono adds [handler, route]; anything else goes through untouched.
      if (Array.isArray(entry) && typeof entry[0] === 'function') {
        return add.call(this, method, path, [reporting(entry[0] as Handler, path), ...entry.slice(1)]);
      }
      return add.call(this, method, path, entry);
    };
    router[PATCHED] = true;
  }
  const setNotFound = app.notFound;
  if (typeof setNotFound === 'function') {
    app.notFound = (handler) => setNotFound.call(app, unmatched(handler));
    // An app made by `basePath` carries its parent's handler, already wrapped.
    if (fresh) setNotFound.call(app, unmatched(honoNotFound));
  }
}

function patch(exports: unknown): unknown {
  const holder = exports as { Hono?: HonoClass & { [PATCHED]?: true } };
  const Original = holder.Hono;
  if (typeof Original !== 'function' || Original[PATCHED] === true) return exports;
  const Hono = class Hono extends Original {
    constructor(...args: unknown[]) {
      super(...args);
      setUp(this, true);
    }

    // `basePath` returns a copy that Hono makes without this constructor; it shares the router.
    override basePath(path: string): HonoApp {
      const app = (super.basePath as (path: string) => HonoApp).call(this, path);
      setUp(app, false);
      return app;
    }
  };
  Object.defineProperty(Hono, PATCHED, { value: true });
  holder.Hono = Hono;
  return exports;
}

export function honoRoutes(): ReturnType<typeof patchOnLoad> {
  return patchOnLoad('hono', ['>=4.0.0 <5'], patch);
}

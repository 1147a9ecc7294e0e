// Koa 3 with @koa/router. Neither has a hook or a diagnostics channel that sees the request's
// context, and @koa/router keeps the matched template there (`ctx._matchedRoute`, with the
// prefixes of the routers it is nested in), not on the request. So the one patch is Koa's
// `createContext`, the method that makes that context for each request: it hands the server a
// reader of it. Patched when Koa is loaded, never before.
import type { IncomingMessage } from 'node:http';
import { patchOnLoad } from './on-load.ts';
import { reportRoute, UNMATCHED_ROUTE, UNTEMPLATED_ROUTE } from '../route.ts';

interface KoaContext {
  /** Set by @koa/router: the matched layer's path, prefixes included. */
  readonly _matchedRoute?: unknown;
  /** Set by @koa/router on every request it dispatches, matched or not. */
  readonly router?: unknown;
}
type CreateContext = (this: unknown, req: IncomingMessage, res: unknown) => KoaContext;
interface KoaApplication {
  prototype: { createContext: CreateContext };
}

const PATCHED = Symbol('threadline.koa');

function koaRoute(ctx: KoaContext): string {
  const matched = ctx._matchedRoute;
  if (typeof matched === 'string') return matched;
  return ctx.router === undefined ? UNTEMPLATED_ROUTE : UNMATCHED_ROUTE;
}

function patch(exports: unknown): unknown {
  // CommonJS gives the Application class; ES modules a namespace with it as default.
  const Application = (typeof exports === 'function' ? exports : (exports as { default?: unknown }).default) as KoaApplication | undefined;
  const proto = Application?.prototype as (KoaApplication['prototype'] & { [PATCHED]?: true }) | undefined;
  if (proto === undefined || typeof proto.createContext !== 'function' || proto[PATCHED]) return exports;
  const original = proto.createContext;
  proto.createContext = function createContext(req, res) {
    const ctx = original.call(this, req, res);
    reportRoute(req, () => koaRoute(ctx));
    return ctx;
  };
  proto[PATCHED] = true;
  return exports;
}

export function koaRoutes(): ReturnType<typeof patchOnLoad> {
  return patchOnLoad('koa', ['>=3.0.0 <4'], patch);
}

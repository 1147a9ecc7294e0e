// The route template of an inbound request, as the framework that answered it knows it.
// Express leaves its template on the request; other frameworks keep theirs on objects of their
// own, so their integrations (frameworks/) hand the server a reader for it, called once when the
// response closes.
import type { IncomingMessage } from 'node:http';

/** A router we read saw the request and matched no route (the framework's 404). */
export const UNMATCHED_ROUTE = 'unmatched';
/**
 * The request was answered by code whose routes the agent cannot read: plain `node:http`, or a
 * framework that is not supported. Not `unmatched`, which would claim that no route matched.
 */
export const UNTEMPLATED_ROUTE = 'untemplated';

/** Returns the route template, or UNMATCHED_ROUTE. */
export type RouteReader = () => string;

const READER = Symbol('threadline.routeReader');
type WithReader = IncomingMessage & { [READER]?: RouteReader | string };

/**
 * Called by a framework integration for a request it routes: the template itself, or a reader
 * of it where the framework settles it later. The last report wins.
 */
export function reportRoute(request: IncomingMessage, route: RouteReader | string): void {
  (request as WithReader)[READER] = route;
}

interface ExpressRequest {
  route?: { path?: unknown };
  baseUrl?: unknown;
}

/** The template to label the request with, once its response has closed. */
export function routeOf(request: IncomingMessage): string {
  const reported = (request as WithReader)[READER];
  if (reported !== undefined) return typeof reported === 'string' ? reported : reported();
  // Express sets the matched layer's template and the router's mount path on the request. Its
  // router assigns `baseUrl` on every request it sees, matched or not (and puts back the value it
  // found, undefined at the top, before its 404): the property exists either way.
  const { route, baseUrl } = request as IncomingMessage & ExpressRequest;
  if (route !== undefined && typeof route.path === 'string') {
    return `${typeof baseUrl === 'string' ? baseUrl : ''}${route.path}`;
  }
  return 'baseUrl' in request ? UNMATCHED_ROUTE : UNTEMPLATED_ROUTE;
}

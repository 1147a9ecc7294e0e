// Method + path → handler. Paths are exact, or end in `:name` for one trailing segment
// (`/api/request/:id`), which is all the viewer's routes need.
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Handler = (request: IncomingMessage, response: ServerResponse, context: RouteContext) => Promise<void> | void;

export interface RouteContext {
  readonly url: URL;
  /** The trailing `:name` segment, decoded. */
  readonly param: string;
}

interface Route {
  readonly method: string;
  readonly prefix: string;
  readonly exact: boolean;
  readonly handler: Handler;
}

export class Router {
  readonly #routes: Route[] = [];

  add(method: string, path: string, handler: Handler): this {
    const colon = path.lastIndexOf('/:');
    this.#routes.push(colon >= 0 ? { method, prefix: path.slice(0, colon + 1), exact: false, handler } : { method, prefix: path, exact: true, handler });
    return this;
  }

  /** The handler for a request and the route's parameter; `methods` lists what the path allows when the method does not match. */
  find(method: string, pathname: string): { handler: Handler; param: string } | { methods: string[] } | undefined {
    const methods: string[] = [];
    for (const route of this.#routes) {
      let param = '';
      if (route.exact) {
        if (pathname !== route.prefix) continue;
      } else {
        if (!pathname.startsWith(route.prefix)) continue;
        const rest = pathname.slice(route.prefix.length);
        if (rest === '' || rest.includes('/')) continue;
        try {
          param = decodeURIComponent(rest);
        } catch {
          continue;
        }
      }
      if (route.method === method || (method === 'HEAD' && route.method === 'GET')) return { handler: route.handler, param };
      methods.push(route.method);
    }
    return methods.length > 0 ? { methods } : undefined;
  }
}

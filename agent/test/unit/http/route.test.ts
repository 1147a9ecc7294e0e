// Which label a request gets once its response closes: a framework's report wins, Express's
// fields come next, and a request no router we read has seen is `untemplated`, never `unmatched`.
import assert from 'node:assert/strict';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, it } from 'node:test';
import { reportRoute, routeOf, UNMATCHED_ROUTE, UNTEMPLATED_ROUTE } from '../../../dist/http/route.js';

const request = (fields: Record<string, unknown> = {}): IncomingMessage => Object.assign(new IncomingMessage(new Socket()), fields);

describe('routeOf', () => {
  it('reads Express: mount path + route template; its 404 (baseUrl put back to undefined) is unmatched', () => {
    assert.equal(routeOf(request({ baseUrl: '/api/v1/items', route: { path: '/:id' } })), '/api/v1/items/:id');
    assert.equal(routeOf(request({ baseUrl: undefined })), UNMATCHED_ROUTE);
  });

  it('labels a request that no router we read has seen untemplated', () => {
    assert.equal(routeOf(request()), UNTEMPLATED_ROUTE);
    assert.notEqual(UNTEMPLATED_ROUTE, UNMATCHED_ROUTE);
  });

  it('takes a framework report, a template or a reader called at the end; the last report wins', () => {
    const req = request({ baseUrl: undefined });
    reportRoute(req, '/*');
    reportRoute(req, '/hello/:name');
    assert.equal(routeOf(req), '/hello/:name');
    let template = UNMATCHED_ROUTE;
    const later = request();
    reportRoute(later, () => template);
    template = '/orders/:id';
    assert.equal(routeOf(later), '/orders/:id');
  });
});

// The access line is written from a template: it must be the line pino writes for the same
// fields, stay valid JSON whatever the app put in its route or status, and follow the logger's
// level and a multistream's routing by level.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { ROOT_CONTEXT, trace, TraceFlags, type Context } from '@opentelemetry/api';
import pino, { type DestinationStream } from 'pino';
import { createAccessLog } from '../../../dist/logs/access-log.js';
import { setCorrelationId } from '../../../dist/context/correlation.js';
import type { ServerRequestRecord } from '../../../dist/http/server.js';
import { levelLabel } from '../../../dist/logs/pipeline.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

function capture(): DestinationStream & { lines: string[] } {
  const lines: string[] = [];
  return { lines, write: (line: string) => void lines.push(line) };
}

function requestContext(withSpan = true): Context {
  const ctx = setCorrelationId(ROOT_CONTEXT, 'order-42');
  return withSpan ? trace.setSpanContext(ctx, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED }) : ctx;
}

function record(overrides: Partial<ServerRequestRecord> = {}): ServerRequestRecord {
  return { context: requestContext(), method: 'GET', route: '/orders/:id', status: 200, durationSeconds: 0.0123456, ...overrides };
}

/** What pino writes for the same fields, with the same options as the agent's logger. */
function pinoLine(service: string, entry: ServerRequestRecord, withSpan = true): string {
  const out = capture();
  const logger = pino({ level: 'trace', base: { service }, messageKey: 'msg', formatters: { level: levelLabel } }, out);
  const level = entry.status >= 500 ? 'error' : entry.status >= 400 ? 'warn' : 'info';
  logger[level](
    {
      ...(withSpan ? { trace_id: TRACE_ID, span_id: SPAN_ID } : {}),
      correlation_id: 'order-42',
      http_request_method: entry.method,
      http_route: entry.route,
      http_response_status_code: entry.status,
      duration_ms: Math.round(entry.durationSeconds * 1e6) / 1e3,
    },
    'request completed',
  );
  return out.lines[0] ?? '';
}

const withoutTime = (line: string): string => line.replace(/"time":\d+/, '"time":0');

describe('access line', () => {
  const cases: Array<[string, Partial<ServerRequestRecord>, boolean]> = [
    ['a traced request', {}, true],
    ['a request without a span', { context: requestContext(false) }, false],
    ['a 404, at warn', { status: 404 }, true],
    ['a 503, at error', { status: 503 }, true],
    ['a route with quotes, a backslash, a newline and non-ASCII', { route: '/a"b\\c\nd/ünï/\u2028/:id' }, true],
    ['an unmatched route', { route: 'unmatched', method: '_OTHER' }, true],
  ];
  for (const [name, overrides, withSpan] of cases) {
    it(`is the line pino writes: ${name}`, () => {
      const out = capture();
      const main = pino({ level: 'info' }, capture());
      const entry = record(overrides);
      createAccessLog(main, 'orders "eu"', out)(entry);
      assert.equal(out.lines.length, 1);
      assert.equal(withoutTime(out.lines[0] ?? ''), withoutTime(pinoLine('orders "eu"', entry, withSpan)));
      assert.ok(Math.abs(Number(JSON.parse(out.lines[0] ?? '{}').time) - Date.now()) < 5_000, 'time is epoch milliseconds');
    });
  }

  it('stays valid JSON whatever the app assigned to the status code', () => {
    const out = capture();
    const log = createAccessLog(pino({ level: 'info' }, capture()), 'svc', out);
    for (const status of ['abc"', Number.NaN, 2.5, undefined]) log(record({ status: status as unknown as number }));
    assert.deepEqual(
      out.lines.map((line) => JSON.parse(line).http_response_status_code),
      ['abc"', 'NaN', '2.5', 'undefined'],
    );
  });

  it('follows the main logger\'s level, changed at run time', () => {
    const out = capture();
    const main = pino({ level: 'warn' }, capture());
    const log = createAccessLog(main, 'svc', out);
    log(record({ status: 200 }));
    log(record({ status: 404 }));
    main.level = 'error';
    log(record({ status: 404 }));
    log(record({ status: 500 }));
    main.level = 'info';
    log(record({ status: 200 }));
    assert.deepEqual(out.lines.map((line) => JSON.parse(line).level), ['warn', 'error', 'info']);
  });

  it('is routed by level through a multistream, as pino\'s own lines are', () => {
    const all: string[] = [];
    const errors: string[] = [];
    const sink = (into: string[]): Writable =>
      new Writable({
        write(chunk, _encoding, done) {
          into.push(String(chunk));
          done();
        },
      });
    const destination = pino.multistream([
      { stream: sink(all), level: 'info' },
      { stream: sink(errors), level: 'error' },
    ]);
    const log = createAccessLog(pino({ level: 'info' }, destination), 'svc', destination);
    log(record({ status: 200 }));
    log(record({ status: 502 }));
    assert.equal(all.length, 2);
    assert.deepEqual(errors.map((line) => JSON.parse(line).http_response_status_code), [502]);
  });
});

// A measurement, not a test: how long the request page takes to show a large request (the API's bounds:
// `SPANS` spans and MAX_LOGS lines) and to select a line, in Debian's chromium, against fixture answers so
// that only the page's own work is timed. `node test/browser/big-request.ts` after `npm run build`.
import type { LogJson, SpanJson } from '../../src/ui/api.ts';
import { MAX_LOGS } from '../../src/query/request.ts';
import { Router } from '../../src/server/router.ts';
import { staticRoutes } from '../../src/server/static.ts';
import { fixtureApi, makeFixtures } from './fixtures.ts';
import { serveRouter } from './fixture-server.ts';
import { launch } from './helpers.ts';
import { PUBLIC_DIR } from './viewer-server.ts';

const SPANS = Number(process.env.SPANS ?? 2000);
const LOGS = Number(process.env.LOGS ?? MAX_LOGS);
const ROUNDS = 5;
const traceId = 'b'.repeat(32);
const start = Date.now() - 60_000;
const spanId = (index: number): string => index.toString(16).padStart(16, '0');
const spans: SpanJson[] = Array.from({ length: SPANS }, (_, index) => ({
  traceId, spanId: spanId(index + 1), parentSpanId: index === 0 ? '' : spanId(Math.floor(index / 4) + 1), service: `svc-${index % 7}`, name: `GET /item/${index}`, kind: index % 2 ? 'CLIENT' : 'SERVER',
  startTimeUnixNano: (BigInt(start + index) * 1_000_000n).toString(), durationMs: 5 + (index % 50), status: { code: index % 97 === 0 ? 'ERROR' : 'UNSET' }, attributes: { 'http.route': `/item/:id`, index }, resource: { 'service.name': `svc-${index % 7}` }, events: [],
}));
const logs: LogJson[] = Array.from({ length: LOGS }, (_, index) => ({
  id: index + 1, time: start + index * 0.1, service: `svc-${index % 7}`, level: index % 50 === 0 ? 'error' : 'info', msg: `line ${index} of the big request`, trace_id: traceId, span_id: spanId((index % SPANS) + 1), correlation_id: 'big', line: '{}',
}));
const fixtures = makeFixtures();
if (process.env.NO_CHARTS === '1') fixtures.red = { step: 30, points: [], exemplars: [] };
fixtures.requests.set(traceId, { id: traceId, traces: [{ traceId, spans }], logs });
const served = await serveRouter(fixtureApi(staticRoutes(new Router(), PUBLIC_DIR), fixtures));
if (process.env.SERVE_ONLY === '1') {
  console.log(`${served.origin}/request/${traceId}`);
  await new Promise(() => undefined);
}
const session = await launch();
const page = await session.newPage();
const shown: number[] = [];
const selected: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  await page.goto(`${served.origin}/`);
  await page.goto(`${served.origin}/request/${traceId}`);
  // Milliseconds from the navigation's start until every line is in the page, measured by the page itself.
  shown.push(Math.round(Number(await page.evaluate(`new Promise((resolve) => {
    const check = () => document.querySelectorAll('.log-row').length >= ${LOGS} ? resolve(performance.now()) : requestAnimationFrame(check);
    check();
  })`))));
  selected.push(Number(await page.evaluate(`(() => {
    const row = document.querySelectorAll('.log-row')[${Math.floor(LOGS / 2)}];
    const t0 = performance.now();
    row.click();
    return performance.now() - t0;
  })()`)));
}
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
console.log(`request page, ${SPANS} spans and ${LOGS} log lines, ${ROUNDS} rounds: shown in median ${median(shown)} ms (${shown.join(', ')}); selecting a line: median ${median(selected).toFixed(1)} ms (${selected.map((value) => value.toFixed(1)).join(', ')})`);
await session.close();
await served.close();

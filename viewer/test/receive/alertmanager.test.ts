import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import fc from 'fast-check';
import { alertsHandler } from '../../src/query/alerts.ts';
import { alertmanagerHandler } from '../../src/receive/alertmanager.ts';
import { Router } from '../../src/server/router.ts';
import { freePort } from '../../../agent/test/helpers/ports.ts';
import { metricsFixture, type MetricsFixture } from '../store/metrics-fixture.ts';

let fixture: MetricsFixture;
let base: string;

beforeEach(async () => {
  fixture = metricsFixture();
  const router = new Router()
    .add('POST', '/api/alertmanager', alertmanagerHandler({ table: fixture.alerts, writer: fixture.writer, counters: fixture.counters, maxBodyBytes: 64 * 1024 }))
    .add('GET', '/api/alerts', alertsHandler(fixture.alerts));
  base = await fixture.serve(router);
});
afterEach(() => fixture.dispose());

const post = async (body: string, type = 'application/json') => {
  const response = await fetch(`${base}/api/alertmanager`, { method: 'POST', body, headers: { 'content-type': type } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

const alert = (overrides: Record<string, unknown> = {}) => ({
  status: 'firing',
  labels: { alertname: 'ThreadlineHighErrorRate', service: 'orders', severity: 'page' },
  annotations: { summary: '5xx above 5%' },
  startsAt: '2026-12-01T10:00:00.123456789Z',
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: 'http://prometheus.local/graph?g0.expr=x',
  fingerprint: 'c6eadffa33fcdf37',
  ...overrides,
});

const payload = (alerts: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ version: '4', groupKey: '{}:{alertname="x"}', truncatedAlerts: 0, status: 'firing', receiver: 'viewer', groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://am', alerts, ...extra });

const STARTS = Date.parse('2026-12-01T10:00:00.123Z');

test('a firing alert is stored by fingerprint and startsAt; its resolution updates the same row', async () => {
  assert.deepEqual(await post(payload([alert()])), { status: 200, body: { received: 1 } });
  const firing = (await (await fetch(`${base}/api/alerts?from=${STARTS}&to=${STARTS + 1}`)).json()) as { alerts: Array<Record<string, unknown>> };
  assert.deepEqual(firing.alerts, [{
    fingerprint: 'c6eadffa33fcdf37', status: 'firing', startsAt: STARTS, endsAt: null, alertname: 'ThreadlineHighErrorRate', service: 'orders', severity: 'page',
    labels: { alertname: 'ThreadlineHighErrorRate', service: 'orders', severity: 'page' }, annotations: { summary: '5xx above 5%' }, generatorURL: 'http://prometheus.local/graph?g0.expr=x',
  }]);
  assert.equal((await post(payload([alert({ status: 'resolved', endsAt: '2026-12-01T10:05:00Z' })]))).status, 200);
  // A late repeat of the firing notification does not undo the resolution.
  assert.equal((await post(payload([alert()]))).status, 200);
  assert.equal(fixture.count('alerts'), 1);
  const [stored] = fixture.alerts.firingBetween(0, Number.MAX_SAFE_INTEGER, undefined);
  assert.equal(stored!.status, 'resolved');
  assert.equal(stored!.endsAt, Date.parse('2026-12-01T10:05:00Z'));
});

test('/api/alerts: alerts firing at any time in the window, by service', async () => {
  await post(payload([
    alert({ fingerprint: 'a1', startsAt: '2026-12-01T10:00:00Z', status: 'resolved', endsAt: '2026-12-01T10:10:00Z' }),
    alert({ fingerprint: 'a2', startsAt: '2026-12-01T11:00:00Z' }),
    alert({ fingerprint: 'a3', startsAt: '2026-12-01T10:30:00Z', labels: { alertname: 'Down', job: 'payments' } }),
  ]));
  const at = (iso: string) => Date.parse(iso);
  const names = async (query: string) => ((await (await fetch(`${base}/api/alerts?${query}`)).json()) as { alerts: Array<{ fingerprint: string }> }).alerts.map((a) => a.fingerprint);
  assert.deepEqual(await names(`from=${at('2026-12-01T10:05:00Z')}&to=${at('2026-12-01T10:06:00Z')}`), ['a1']);
  assert.deepEqual(await names(`from=${at('2026-12-01T10:20:00Z')}&to=${at('2026-12-01T12:00:00Z')}`), ['a2', 'a3']);
  assert.deepEqual(await names(`from=2026-12-01T09:00:00Z&to=2026-12-01T12:00:00Z&service=payments`), ['a3']);
  assert.deepEqual(await names(`from=${at('2026-12-01T09:00:00Z')}&to=${at('2026-12-01T09:59:00Z')}`), []);
  assert.equal((await fetch(`${base}/api/alerts?from=10&to=5`)).status, 400);
  assert.equal((await fetch(`${base}/api/alerts?from=yesterday`)).status, 400);
});

test('malformed notifications get 400 with a one-line reason and store nothing, not even their valid alerts', async () => {
  const cases: Array<[string, RegExp]> = [
    ['not json', /not valid JSON/],
    ['[]', /must be a JSON object/],
    [payload([alert()], { version: '3' }), /version must be "4"/],
    [payload([alert(), alert({ status: 'burning' })]), /alerts\[1\]\.status/],
    [payload([alert(), alert({ fingerprint: 'xyz!' })]), /alerts\[1\]\.fingerprint/],
    [payload([alert({ startsAt: 'yesterday' })]), /alerts\[0\]\.startsAt must be an RFC 3339 time/],
    [payload([alert({ labels: { a: 1 } })]), /alerts\[0\]\.labels\.a must be a string/],
    [payload([alert({ annotations: [] })]), /annotations must be an object/],
    [JSON.stringify({ version: '4', alerts: {} }), /alerts must be a list/],
  ];
  for (const [body, reason] of cases) {
    const answer = await post(body);
    assert.equal(answer.status, 400, body);
    assert.match(String(answer.body.error), reason);
    assert.ok(!String(answer.body.error).includes('\n'));
  }
  assert.equal((await post(payload([alert()]), 'text/html')).status, 415);
  assert.equal((await post(payload([alert({ annotations: { big: 'x'.repeat(70_000) } })]))).status, 413);
  assert.equal(fixture.count('alerts'), 0);
  assert.equal(fixture.counters.get('requests_refused_malformed'), cases.length + 1);
});

test('property: random and truncated bodies get 200 or 4xx, never a crash, and a refused body stores nothing', async () => {
  const valid = payload([alert(), alert({ fingerprint: 'bb' })]);
  const body = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.integer({ min: 0, max: valid.length }).map((n) => valid.slice(0, n)),
    fc.tuple(fc.integer({ min: 0, max: valid.length - 1 }), fc.string({ maxLength: 3 })).map(([at, junk]) => valid.slice(0, at) + junk + valid.slice(at + 1)),
    fc.jsonValue().map((value) => JSON.stringify({ version: '4', alerts: [value] })),
  );
  await fc.assert(
    fc.asyncProperty(body, async (text) => {
      const before = fixture.count('alerts');
      const answer = await post(text);
      assert.ok(answer.status === 200 || (answer.status >= 400 && answer.status < 500), String(answer.status));
      if (answer.status !== 200) assert.equal(fixture.count('alerts'), before);
    }),
    { numRuns: 300 },
  );
});

const alertmanagerBinary = spawnSync('sh', ['-c', 'command -v prometheus-alertmanager || command -v alertmanager']).stdout.toString().trim();

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, child: ChildProcess, log: () => string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${what}: not within 30 s (alertmanager ${child.exitCode === null ? 'running' : `exited ${child.exitCode}`}):\n${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test("Debian's Alertmanager delivers a firing alert and its resolution to the webhook", { skip: alertmanagerBinary === '' ? 'prometheus-alertmanager is not installed (.ci/run installs it)' : false }, async () => {
  const dir = join(fixture.dir, 'alertmanager');
  mkdirSync(dir);
  const config = join(dir, 'alertmanager.yml');
  writeFileSync(config, [
    'route:',
    '  receiver: viewer',
    "  group_by: ['alertname']",
    '  group_wait: 0s',
    '  group_interval: 1s',
    '  repeat_interval: 1h',
    'receivers:',
    '  - name: viewer',
    '    webhook_configs:',
    `      - url: ${base}/api/alertmanager`,
    '        send_resolved: true',
    '',
  ].join('\n'));
  const port = await freePort();
  let log = '';
  const child = spawn(alertmanagerBinary, [`--config.file=${config}`, `--storage.path=${dir}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk) => (log += chunk));
  child.stderr!.on('data', (chunk) => (log += chunk));
  try {
    const api = `http://127.0.0.1:${port}/api/v2/alerts`;
    await until('alertmanager ready', async () => ((await fetch(`http://127.0.0.1:${port}/-/ready`).catch(() => undefined))?.ok ? true : undefined), child, () => log);
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    const labels = { alertname: 'ThreadlineHighErrorRate', service: 'orders', severity: 'page' };
    const send = (extra: Record<string, string>) => fetch(api, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ labels, annotations: { summary: 'orders answers 5xx' }, startsAt, generatorURL: 'http://127.0.0.1:9090/graph', ...extra }]) });
    assert.equal((await send({})).status, 200);
    const firing = await until('the firing alert stored', () => fixture.alerts.firingBetween(0, Number.MAX_SAFE_INTEGER, 'orders')[0], child, () => log);
    assert.equal(firing.status, 'firing');
    assert.equal(firing.alertname, 'ThreadlineHighErrorRate');
    assert.equal(firing.severity, 'page');
    assert.equal(firing.startsAt, Date.parse(startsAt));
    assert.equal(firing.endsAt, null);
    assert.match(firing.fingerprint, /^[0-9a-f]{16}$/);
    assert.equal(firing.annotations.summary, 'orders answers 5xx');
    assert.equal(firing.generatorURL, 'http://127.0.0.1:9090/graph');

    const endsAt = new Date(Date.now() - 1000).toISOString();
    assert.equal((await send({ endsAt })).status, 200);
    const resolved = await until('the resolution stored', () => fixture.alerts.firingBetween(0, Number.MAX_SAFE_INTEGER, 'orders').find((a) => a.status === 'resolved'), child, () => log);
    assert.equal(resolved.fingerprint, firing.fingerprint);
    assert.equal(resolved.endsAt, Date.parse(endsAt));
    assert.equal(fixture.count('alerts'), 1);
  } finally {
    child.kill('SIGTERM');
    if (child.exitCode === null) await once(child, 'exit');
  }
});

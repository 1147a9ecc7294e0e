// The real alert path, end to end on loopback: Debian's Prometheus and Alertmanager binaries run
// with the repo's rules, routing and inhibition; Prometheus scrapes a real Express app running the
// real @threadline/agent preload; a fault (a route answering 500s, then the process killed) makes
// alerts fire, and a webhook receiver in this test gets them from Alertmanager.
//
// The rule files are rendered into a temp dir with every `for:` shortened to 1s and the
// evaluation/scrape intervals at 1s; expressions, labels and annotations stay as in the repo.
// Alertmanager's config is rendered with the webhook URL pointed at this test's receiver and
// group_wait/group_interval at 1s; routes, receivers and inhibition stay as in the repo.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse, stringify } from 'yaml';
import { arr, configPath, isObj, loadYaml, obj, repoPath, requireTool, str, toolVersion } from './helpers.ts';
import type { Obj } from './helpers.ts';

const SERVICE = 'alertpath';
const children: { name: string; child: ChildProcess; output: string[] }[] = [];
const servers: Server[] = [];
const tempDirs: string[] = [];

after(async () => {
  for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  const deadline = Date.now() + 5000;
  for (const { child } of children) {
    while (child.exitCode === null && child.signalCode === null && Date.now() < deadline) await sleep(50);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  for (const server of servers) server.close();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function start(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const keep = (chunk: Buffer): void => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  children.push({ name, child, output });
  return child;
}

function logsOf(): string {
  return children.map(({ name, output }) => `--- ${name} ---\n${output.join('').slice(-3000)}`).join('\n');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const dead = children.find(({ name, child }) => !name.startsWith('app') && (child.exitCode !== null || child.signalCode !== null));
    if (dead) throw new Error(`${dead.name} exited while waiting for ${what}\n${logsOf()}`);
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(250);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}\n${logsOf()}`);
}

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

interface WebhookAlert {
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
interface WebhookMessage {
  receiver: string;
  status: string;
  alerts: WebhookAlert[];
}

/** Rule files as in the repo, but every `for:` at 1s (expressions untouched). */
function renderRules(dir: string): void {
  mkdirSync(join(dir, 'rules'));
  for (const file of ['recording.yml', 'alerts.yml']) {
    const source = readFileSync(configPath('prometheus/rules', file), 'utf8');
    const doc = obj(parse(source), file);
    for (const group of arr(doc.groups, 'groups')) {
      for (const rule of arr(obj(group, 'group').rules, 'rules')) {
        const r = obj(rule, 'rule');
        if (r.for !== undefined) r.for = '1s';
      }
    }
    // Same expressions as the repo's rules.
    const original = obj(parse(source), file);
    assert.deepEqual(
      arr(doc.groups, 'g').flatMap((g) => arr(obj(g, 'g').rules, 'r').map((r) => obj(r, 'r').expr)),
      arr(original.groups, 'g').flatMap((g) => arr(obj(g, 'g').rules, 'r').map((r) => obj(r, 'r').expr)),
    );
    writeFileSync(join(dir, 'rules', file), stringify(doc));
  }
}

function renderPrometheus(dir: string, promtoolVersion: [number, number], alertmanagerPort: number, metricsPort: number): string {
  const repoConfig = obj(loadYaml(configPath('prometheus/prometheus.yml')), 'prometheus.yml');
  const services = arr(repoConfig.scrape_configs, 'scrape_configs').map((j) => obj(j, 'job')).find((j) => j.job_name === 'threadline-services');
  assert.ok(services);
  const job: Obj = { ...services, scrape_interval: '1s', scrape_timeout: '1s' };
  delete job.file_sd_configs;
  job.static_configs = [{ targets: [`127.0.0.1:${metricsPort}`], labels: { service: SERVICE } }];
  const [major, minor] = promtoolVersion;
  if (major < 2 || (major === 2 && minor < 49)) delete job.scrape_protocols; // unknown to this Prometheus 2.x; it asks for OpenMetrics anyway
  const config = {
    global: { ...obj(repoConfig.global, 'global'), scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
    rule_files: ['rules/*.yml'],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${alertmanagerPort}`] }] }] },
    scrape_configs: [job],
  };
  const path = join(dir, 'prometheus.yml');
  writeFileSync(path, stringify(config));
  return path;
}

function renderAlertmanager(dir: string, webhookPort: number): string {
  const text = readFileSync(configPath('alertmanager/alertmanager.yml'), 'utf8').replaceAll('http://alert-sink:9099', `http://127.0.0.1:${webhookPort}`);
  const config = obj(parse(text), 'alertmanager.yml');
  const fast = (route: Obj): void => {
    route.group_wait = '1s';
    route.group_interval = '1s';
    for (const child of arr(route.routes ?? [], 'routes')) fast(obj(child, 'route'));
  };
  fast(obj(config.route, 'route'));
  const path = join(dir, 'alertmanager.yml');
  writeFileSync(path, stringify(config));
  return path;
}

test('a fault in a real agent-instrumented process reaches the webhook through Prometheus and Alertmanager', { timeout: 180_000 }, async () => {
  const prometheus = requireTool('prometheus', 'prometheus');
  const alertmanager = requireTool('prometheus-alertmanager', 'prometheus-alertmanager');
  const register = repoPath('agent/dist/register.js');
  assert.ok(existsSync(register), `${register} is missing: build the agent first (npm run build)`);

  const dir = mkdtempSync(join(tmpdir(), 'threadline-alert-path-'));
  tempDirs.push(dir);
  const [appPort, metricsPort, promPort, amPort] = [await freePort(), await freePort(), await freePort(), await freePort()];

  // The webhook receiver (what the demo's alert-sink is in compose).
  const received: WebhookMessage[] = [];
  const webhookPort = await listen((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.method === 'POST') received.push(JSON.parse(body) as WebhookMessage);
      res.writeHead(200).end();
    });
  });
  // An OTLP/HTTP sink, so the agent records spans and puts trace_id exemplars on its histograms.
  let spanExports = 0;
  const otlpPort = await listen((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/v1/traces') spanExports += 1;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });

  renderRules(dir);
  const promConfig = renderPrometheus(dir, toolVersion(prometheus), amPort, metricsPort);
  const amConfig = renderAlertmanager(dir, webhookPort);

  start('alertmanager', alertmanager, [
    `--config.file=${amConfig}`,
    `--storage.path=${join(dir, 'am-data')}`,
    `--web.listen-address=127.0.0.1:${amPort}`,
    '--cluster.listen-address=',
  ]);
  start('prometheus', prometheus, [
    `--config.file=${promConfig}`,
    `--storage.tsdb.path=${join(dir, 'prom-data')}`,
    `--web.listen-address=127.0.0.1:${promPort}`,
    '--enable-feature=exemplar-storage',
    '--web.enable-remote-write-receiver',
  ]);
  const app = start('app (real agent)', process.execPath, ['-r', register, configPath('test/fixtures/express-app.cjs')], {
    ...process.env,
    APP_PORT: String(appPort),
    OTEL_SERVICE_NAME: SERVICE,
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${otlpPort}`,
    OTEL_BSP_SCHEDULE_DELAY: '200',
    THREADLINE_METRICS_PORT: String(metricsPort),
    THREADLINE_METRICS_HOST: '127.0.0.1',
    THREADLINE_LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  });

  const prom = `http://127.0.0.1:${promPort}`;
  const am = `http://127.0.0.1:${amPort}`;
  await waitFor('Alertmanager ready', 30_000, async () => ((await fetch(`${am}/-/ready`)).ok ? true : undefined));
  await waitFor('Prometheus ready', 30_000, async () => ((await fetch(`${prom}/-/ready`)).ok ? true : undefined));
  await waitFor('the app', 30_000, async () => ((await fetch(`http://127.0.0.1:${appPort}/ok`)).ok ? true : undefined));

  const query = async (q: string): Promise<Obj[]> => {
    const body = obj(await getJson(`${prom}/api/v1/query?query=${encodeURIComponent(q)}`), 'query');
    return arr(obj(body.data, 'data').result, 'result').map((r) => obj(r, 'sample'));
  };
  await waitFor('Prometheus scraping the agent (up == 1 with the service label)', 30_000, async () => {
    const up = await query(`up{job="threadline-services",service="${SERVICE}"} == 1`);
    return up.length === 1 ? true : undefined;
  });

  // Fault 1: half the requests fail with 500.
  let traffic = true;
  const load = (async () => {
    for (let i = 0; traffic && i < 20_000; i += 1) {
      await fetch(`http://127.0.0.1:${appPort}/${i % 2 === 0 ? 'ok' : 'fail'}`).then((r) => r.arrayBuffer()).catch(() => undefined);
      await sleep(20);
    }
  })();

  const byName = (name: string, receiver: string) => async (): Promise<WebhookAlert | undefined> =>
    received
      .filter((m) => m.receiver === receiver)
      .flatMap((m) => m.alerts)
      .find((a) => a.labels.alertname === name && a.labels.service === SERVICE && a.status === 'firing');

  try {
    const errorAlert = await waitFor('ThreadlineHighErrorRatio at the webhook', 90_000, byName('ThreadlineHighErrorRatio', 'webhook-warning'));
    assert.equal(errorAlert.labels.severity, 'warning');
    assert.match(errorAlert.annotations.runbook_url ?? '', /runbooks\.md#threadlinehigherrorratio$/);
    assert.equal(errorAlert.annotations.dashboard_url, `http://localhost:3000/d/threadline-service-detail?var-service=${SERVICE}`);

    // The recording rules the dashboards read are there, with the contract names.
    const ratio = await query(`service:http_server_error_ratio:rate5m{service="${SERVICE}"}`);
    const value = Number(arr(ratio[0]?.value, 'value')[1]);
    assert.ok(value > 0.3 && value < 0.7, `error ratio ~0.5, got ${value}`);

    // Exemplars came through: OpenMetrics scrape of the agent, trace_id on the histogram.
    const exemplar = await waitFor('a trace_id exemplar in Prometheus', 30_000, async () => {
      const now = Date.now() / 1000;
      const body = obj(await getJson(`${prom}/api/v1/query_exemplars?query=${encodeURIComponent(`http_server_request_duration_seconds_bucket{service="${SERVICE}"}`)}&start=${now - 120}&end=${now}`), 'exemplars');
      const series = arr(body.data, 'data').map((s) => obj(s, 'series'));
      const found = series.flatMap((s) => arr(s.exemplars, 'exemplars').map((e) => obj(obj(e, 'exemplar').labels, 'labels')));
      return found.find((labels) => typeof labels.trace_id === 'string');
    });
    assert.match(str(exemplar.trace_id, 'trace_id'), /^[0-9a-f]{32}$/);
    assert.ok(spanExports > 0, 'the agent exported spans to the OTLP sink');
  } finally {
    traffic = false;
    await load;
  }

  // Fault 2: the process dies.
  app.kill('SIGKILL');
  const downAlert = await waitFor('ThreadlineServiceDown at the webhook', 90_000, byName('ThreadlineServiceDown', 'webhook-critical'));
  assert.equal(downAlert.labels.severity, 'critical');
  assert.equal(downAlert.labels.job, 'threadline-services');
  assert.match(downAlert.annotations.summary ?? '', new RegExp(`^${SERVICE} is down`));

  // Inhibition: while the service is down, its error-ratio alert is suppressed by ServiceDown.
  const inhibited = await waitFor('ThreadlineHighErrorRatio inhibited by ThreadlineServiceDown', 60_000, async () => {
    const alerts = arr(await getJson(`${am}/api/v2/alerts`), 'alerts').map((a) => obj(a, 'alert'));
    return alerts.find((a) => {
      const labels = obj(a.labels, 'labels');
      const status = obj(a.status, 'status');
      return labels.alertname === 'ThreadlineHighErrorRatio' && labels.service === SERVICE && status.state === 'suppressed' && arr(status.inhibitedBy, 'inhibitedBy').length > 0;
    });
  });
  assert.ok(isObj(inhibited));
});

// Prometheus and Alertmanager from PATH with the repo's own configuration and rules, rendered
// for loopback: the file_sd targets become 127.0.0.1:<metrics port>, the Alertmanager webhook
// points at the local alert sink, and jobs for stack parts that only exist in compose are left
// out (they would fire ThreadlineScrapeFailing for things that are not there).
// `fast` shortens timings for tests and impatient demos; alert expressions stay as they are.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { startChild, type Child } from './child.ts';
import { collectorConfigDir } from './paths.ts';
import { SERVICE_NAMES, type ServiceName } from '../shared/settings.ts';

type Yaml = Record<string, unknown>;

export interface StackOptions {
  /** A fresh directory for the rendered configs, data and logs. */
  readonly dir: string;
  readonly prometheusPort: number;
  readonly alertmanagerPort: number;
  readonly alertSinkPort: number;
  readonly metricsPorts: Readonly<Record<ServiceName, number>>;
  readonly fast: boolean;
  /** A local viewer that also receives every alert (its Alertmanager webhook). */
  readonly viewerUrl?: string;
}

export interface Stack {
  readonly prometheusUrl: string;
  readonly alertmanagerUrl: string;
  stop(): Promise<void>;
}

/** Timings of a `fast` stack: seconds instead of minutes from fault to webhook. */
export const FAST = { scrapeInterval: '1s', evaluationInterval: '1s', alertFor: '5s', groupWait: '1s', groupInterval: '2s' } as const;

const STACK_JOBS_KEPT = new Set(['threadline-services', 'prometheus', 'alertmanager']);

function readYaml(path: string): Yaml {
  return parse(readFileSync(path, 'utf8'), { merge: true }) as Yaml;
}

function list(value: unknown): Yaml[] {
  return Array.isArray(value) ? (value as Yaml[]) : [];
}

/** Which binary provides a tool: Debian names Alertmanager `prometheus-alertmanager`. */
export function findTool(candidates: readonly string[]): string | undefined {
  for (const name of candidates) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** [major, minor] from `prometheus --version`. */
export function toolVersion(binary: string): [number, number] {
  const text = execFileSync(binary, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const match = /version (\d+)\.(\d+)/.exec(text);
  return match ? [Number(match[1]), Number(match[2])] : [0, 0];
}

export function renderTargets(metricsPorts: Readonly<Record<ServiceName, number>>): Yaml[] {
  const repo = readYaml(join(collectorConfigDir, 'prometheus/targets/services.yml')) as unknown as Yaml[];
  return repo.map((group) => {
    const service = String((group.labels as Yaml | undefined)?.service) as ServiceName;
    if (!SERVICE_NAMES.includes(service)) return group;
    return { ...group, targets: [`127.0.0.1:${metricsPorts[service]}`] };
  });
}

export function renderPrometheusConfig(options: StackOptions, prometheusVersion: [number, number]): Yaml {
  const config = readYaml(join(collectorConfigDir, 'prometheus/prometheus.yml'));
  const global = { ...(config.global as Yaml) };
  if (options.fast) {
    global.scrape_interval = FAST.scrapeInterval;
    global.scrape_timeout = FAST.scrapeInterval;
    global.evaluation_interval = FAST.evaluationInterval;
  }
  const [major, minor] = prometheusVersion;
  const knowsScrapeProtocols = major > 2 || (major === 2 && minor >= 49);
  const jobs = list(config.scrape_configs)
    .filter((job) => STACK_JOBS_KEPT.has(String(job.job_name)))
    .map((job) => {
      const rendered: Yaml = { ...job };
      // Older Prometheus (Debian 12 ships 2.42) rejects the key; it asks for OpenMetrics anyway.
      if (!knowsScrapeProtocols) delete rendered.scrape_protocols;
      if (job.job_name === 'threadline-services') rendered.file_sd_configs = [{ files: [join(options.dir, 'targets.yml')], refresh_interval: '5s' }];
      if (job.job_name === 'prometheus') rendered.static_configs = [{ targets: [`127.0.0.1:${options.prometheusPort}`] }];
      if (job.job_name === 'alertmanager') rendered.static_configs = [{ targets: [`127.0.0.1:${options.alertmanagerPort}`] }];
      return rendered;
    });
  return {
    ...config,
    global,
    rule_files: [join(options.dir, 'rules', '*.yml')],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${options.alertmanagerPort}`] }] }] },
    scrape_configs: jobs,
  };
}

/** The repo's rule files; with `fast`, every alert's `for` is shortened and nothing else changes. */
export function renderRules(fast: boolean): Map<string, Yaml> {
  const rendered = new Map<string, Yaml>();
  for (const file of ['recording.yml', 'alerts.yml']) {
    const doc = readYaml(join(collectorConfigDir, 'prometheus/rules', file));
    if (fast) {
      for (const group of list(doc.groups)) {
        for (const rule of list(group.rules)) if (typeof rule.alert === 'string' && rule.for !== undefined) rule.for = FAST.alertFor;
      }
    }
    rendered.set(file, doc);
  }
  return rendered;
}

export function renderAlertmanagerConfig(alertSinkPort: number, fast: boolean, viewerUrl?: string): Yaml {
  const config = readYaml(join(collectorConfigDir, 'alertmanager/alertmanager.yml'));
  for (const receiver of list(config.receivers)) {
    const hooks = list(receiver.webhook_configs);
    for (const hook of hooks) {
      hook.url = String(hook.url).replace(/^http:\/\/alert-sink:9099/, `http://127.0.0.1:${alertSinkPort}`);
    }
    if (viewerUrl !== undefined && hooks.length > 0) receiver.webhook_configs = [...hooks, { ...hooks[0], url: `${viewerUrl}/api/alertmanager` }];
  }
  if (fast) {
    const speedUp = (route: Yaml): void => {
      route.group_wait = FAST.groupWait;
      route.group_interval = FAST.groupInterval;
      for (const child of list(route.routes)) speedUp(child);
    };
    speedUp(config.route as Yaml);
  }
  return config;
}

async function waitReady(url: string, child: Child, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`${child.name} exited: ${child.stderrTail()}`);
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(1000) })).ok) return;
    } catch {
      // not yet
    }
    await sleep(200);
  }
  throw new Error(`${child.name} not ready at ${url} within ${timeoutMs} ms: ${child.stderrTail()}`);
}

/** Starts both; resolves with the reason instead when either binary is not installed. */
export async function startStack(options: StackOptions): Promise<Stack | string> {
  const prometheus = findTool(['prometheus']);
  const alertmanager = findTool(['alertmanager', 'prometheus-alertmanager']);
  if (!prometheus || !alertmanager) {
    return 'Prometheus and Alertmanager are not both on PATH (Debian: apt-get install prometheus prometheus-alertmanager), so no alerts and no per-service figures';
  }
  mkdirSync(join(options.dir, 'rules'), { recursive: true });
  writeFileSync(join(options.dir, 'targets.yml'), stringify(renderTargets(options.metricsPorts)));
  writeFileSync(join(options.dir, 'prometheus.yml'), stringify(renderPrometheusConfig(options, toolVersion(prometheus))));
  for (const [file, doc] of renderRules(options.fast)) writeFileSync(join(options.dir, 'rules', file), stringify(doc));
  writeFileSync(join(options.dir, 'alertmanager.yml'), stringify(renderAlertmanagerConfig(options.alertSinkPort, options.fast, options.viewerUrl)));

  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  const am = startChild({
    name: 'alertmanager',
    command: alertmanager,
    args: [
      `--config.file=${join(options.dir, 'alertmanager.yml')}`,
      `--storage.path=${join(options.dir, 'alertmanager-data')}`,
      `--web.listen-address=127.0.0.1:${options.alertmanagerPort}`,
      // One instance: no gossip port on every interface.
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    env,
  });
  const prom = startChild({
    name: 'prometheus',
    command: prometheus,
    args: [
      `--config.file=${join(options.dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(options.dir, 'prometheus-data')}`,
      `--web.listen-address=127.0.0.1:${options.prometheusPort}`,
      '--enable-feature=exemplar-storage',
      '--web.enable-lifecycle',
      '--log.level=warn',
    ],
    env,
  });
  const stop = async (): Promise<void> => {
    await Promise.all([prom.stop(), am.stop()]);
  };
  const prometheusUrl = `http://127.0.0.1:${options.prometheusPort}`;
  const alertmanagerUrl = `http://127.0.0.1:${options.alertmanagerPort}`;
  try {
    await Promise.all([waitReady(`${prometheusUrl}/-/ready`, prom, 30_000), waitReady(`${alertmanagerUrl}/-/ready`, am, 30_000)]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { prometheusUrl, alertmanagerUrl, stop };
}

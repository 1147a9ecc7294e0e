// The demo's part of docker-compose.yml and demo/Dockerfile, checked statically (no Docker engine
// here): every name, port and URL agrees with the code, the Prometheus targets and the
// Alertmanager webhook; the image is multi-stage, Node 24 slim, non-root, agent preloaded.
// collector-config/test/compose.test.ts checks the file as a whole against the compose schema.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { collectorConfigDir, demoDir, repoRoot } from '../runner/paths.ts';
import { SERVICE_NAMES, type ServiceName } from '../shared/settings.ts';

type Obj = Record<string, unknown>;
const load = (path: string): unknown => parse(readFileSync(path, 'utf8'), { merge: true });
const compose = load(join(repoRoot, 'docker-compose.yml')) as { services: Record<string, Obj> };
const service = (name: string): Obj => {
  const found = compose.services[name];
  assert.ok(found, `compose service ${name}`);
  return found;
};
const env = (name: string): Record<string, string> => service(name).environment as Record<string, string>;

// What each service needs besides the collector and Loki (see each services/<name>/main.ts).
const NEEDS: Readonly<Record<ServiceName, readonly string[]>> = {
  gateway: ['orders'],
  orders: ['postgres', 'rabbitmq'],
  inventory: ['postgres', 'rabbitmq'],
  payments: ['postgres', 'rabbitmq'],
  notifications: ['postgres', 'rabbitmq'],
};

describe('demo services in docker-compose.yml', () => {
  it('runs every service from the demo image with its own entry point', () => {
    for (const name of [...SERVICE_NAMES, 'alert-sink']) {
      const s = service(name);
      assert.equal(s.image, 'threadline/demo:0.1.0');
      assert.deepEqual(s.build, { context: '.', dockerfile: 'demo/Dockerfile' });
      assert.deepEqual(s.command, ['node', `services/${name}/main.ts`]);
      assert.ok(existsSync(join(demoDir, 'services', name, 'main.ts')), `services/${name}/main.ts exists`);
      assert.equal(env(name).OTEL_SERVICE_NAME, name);
      assert.deepEqual((s.healthcheck as Obj).test, ['CMD', 'env', '-u', 'NODE_OPTIONS', 'node', 'docker/healthcheck.ts']);
      assert.match(String(s.mem_limit), /^\d+m$/);
    }
    assert.ok(existsSync(join(demoDir, 'docker/healthcheck.ts')));
  });

  it('sends telemetry to the stack, listens on 8080 with metrics on 9464, and finds the others by name', () => {
    for (const name of SERVICE_NAMES) {
      const e = env(name);
      assert.equal(e.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://otel-collector:4318');
      assert.equal(e.THREADLINE_LOKI_URL, 'http://loki:3100');
      assert.equal(e.THREADLINE_METRICS_PORT, '9464');
      assert.equal(e.THREADLINE_METRICS_HOST, '0.0.0.0');
      assert.equal(e.PORT, '8080');
      for (const other of SERVICE_NAMES) assert.equal(e[`${other.toUpperCase()}_URL`], `http://${other}:8080`);
    }
  });

  it('uses the credentials the postgres and rabbitmq services are created with', () => {
    const pg = service('postgres').environment as Record<string, string>;
    const mq = service('rabbitmq').environment as Record<string, string>;
    const e = env('orders');
    assert.equal(e.DATABASE_URL, `postgres://${pg.POSTGRES_USER}:${pg.POSTGRES_PASSWORD}@postgres:5432/${pg.POSTGRES_DB}`);
    assert.equal(e.AMQP_URL, `amqp://${mq.RABBITMQ_DEFAULT_USER}:${mq.RABBITMQ_DEFAULT_PASS}@rabbitmq:5672`);
  });

  it('waits for what each service needs, healthy', () => {
    for (const name of SERVICE_NAMES) {
      const dependsOn = service(name).depends_on as Record<string, { condition: string }>;
      assert.deepEqual(Object.keys(dependsOn).sort(), [...NEEDS[name], 'otel-collector', 'loki'].sort(), name);
      for (const dep of Object.values(dependsOn)) assert.equal(dep.condition, 'service_healthy');
    }
  });

  it('publishes only the gateway, on 127.0.0.1:8080 unless DEMO_GATEWAY_BIND_ADDRESS says otherwise', () => {
    assert.deepEqual(service('gateway').ports, ['${DEMO_GATEWAY_BIND_ADDRESS:-127.0.0.1}:8080:8080']);
    for (const name of [...SERVICE_NAMES.filter((n) => n !== 'gateway'), 'alert-sink']) assert.equal(service(name).ports, undefined, name);
  });

  it('is what Prometheus scrapes and where Alertmanager posts', () => {
    const targets = load(join(collectorConfigDir, 'prometheus/targets/services.yml')) as Array<{ targets: string[]; labels: { service: string } }>;
    assert.deepEqual(
      targets.map((t) => [t.labels.service, t.targets[0]]),
      SERVICE_NAMES.map((name) => [name, `${name}:${env(name).THREADLINE_METRICS_PORT}`]),
    );
    const alertmanager = load(join(collectorConfigDir, 'alertmanager/alertmanager.yml')) as { receivers: Array<{ webhook_configs: Array<{ url: string }> }> };
    for (const receiver of alertmanager.receivers) {
      for (const hook of receiver.webhook_configs) assert.match(hook.url, new RegExp(`^http://alert-sink:${env('alert-sink').PORT}/alerts`));
    }
  });
});

describe('demo/Dockerfile', () => {
  const dockerfile = readFileSync(join(demoDir, 'Dockerfile'), 'utf8');
  const instructions = dockerfile.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));

  it('builds in stages from a pinned Node 24 slim image', () => {
    const base = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1];
    assert.match(String(base), /^node:24\.\d+\.\d+-(\w+-)?slim$/);
    const stages = instructions.filter((line) => line.startsWith('FROM '));
    assert.ok(stages.length >= 2, 'multi-stage');
    for (const stage of stages) assert.match(stage, /^FROM \$\{NODE_IMAGE\} AS \w+$/);
  });

  it('runs as a non-root user with the agent preloaded through NODE_OPTIONS', () => {
    const runtime = instructions.slice(instructions.findLastIndex((line) => line.startsWith('FROM ')));
    const user = runtime.filter((line) => line.startsWith('USER ')).at(-1);
    assert.ok(user && !/^USER (root|0)(:|$)/.test(user), `non-root: ${user}`);
    const nodeOptions = runtime.find((line) => line.startsWith('ENV NODE_OPTIONS='));
    assert.match(String(nodeOptions), /--require @threadline\/agent\/register/);
    assert.ok(runtime.some((line) => line.startsWith('HEALTHCHECK ')));
  });

  it('builds the agent as `npm run build` does: tsc, then the bundle', () => {
    const build = JSON.parse(readFileSync(join(repoRoot, 'agent', 'package.json'), 'utf8')) as { scripts: { build: string } };
    assert.match(build.scripts.build, /tsc -p tsconfig\.build\.json && node scripts\/bundle\.ts$/);
    assert.ok(instructions.includes('RUN node node_modules/typescript/bin/tsc -p agent/tsconfig.build.json && node agent/scripts/bundle.ts'));
    assert.ok(instructions.includes('COPY agent/scripts agent/scripts'));
  });

  it('copies only paths that exist and leaves local clutter out of the context', () => {
    for (const line of instructions.filter((l) => l.startsWith('COPY ') && !l.includes('--from='))) {
      const sources = line.split(/\s+/).slice(1, -1);
      for (const source of sources) assert.ok(existsSync(join(repoRoot, source)), `${source} exists`);
    }
    const ignore = readFileSync(join(demoDir, 'Dockerfile.dockerignore'), 'utf8');
    assert.match(ignore, /^\*\*\/node_modules$/m);
    assert.match(ignore, /^demo\/\.logs$/m);
  });
});

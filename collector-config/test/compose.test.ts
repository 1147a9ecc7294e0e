// docker-compose.yml: valid against the compose-spec JSON schema (vendored, see fixtures/README.md),
// depends_on points at existing services and waits for health only where a healthcheck exists,
// every image is pinned, every long-running service has a healthcheck, memory limit, restart
// policy and named volume, only Grafana and the demo gateway publish a host port, nothing binds
// beyond loopback unless a variable says so, and no password has a default.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { LOOPBACK, hostAddress, secretsWithDefaults, withNoVariablesSet } from './compose-exposure.ts';
import { arr, configPath, isObj, loadYaml, obj, repoPath, str } from './helpers.ts';
import type { Obj } from './helpers.ts';

const compose = obj(loadYaml(repoPath('docker-compose.yml')), 'docker-compose.yml');
const services = obj(compose.services, 'services');
const overrideServices = obj(obj(loadYaml(configPath('compose/publish-ports.yml')), 'override').services, 'override services');
const oneShot = new Set(['healthcheck-tools']);

/**
 * The vendored schema (draft 2019-09) still names its parts with the pre-2019 `id` keyword and
 * the draft's old http meta-schema URI; Ajv2019 wants `$id` and validates 2019-09 by default.
 * Drop both (an `id` whose value is a string is a schema name, never a property schema).
 */
function loadSchema(): Obj {
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (!isObj(node)) return node;
    const out: Obj = {};
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'id' || key === '$schema') && typeof value === 'string') continue;
      out[key] = strip(value);
    }
    return out;
  };
  return obj(strip(JSON.parse(readFileSync(configPath('test/fixtures/compose-spec.schema.json'), 'utf8'))), 'schema');
}

function service(name: string): Obj {
  return obj(services[name], `service ${name}`);
}

test('docker-compose.yml is valid against the compose-spec JSON schema', () => {
  const schema = loadSchema();
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  const validate = ajv.compile(schema);
  const valid = validate(compose);
  assert.ok(valid, JSON.stringify(validate.errors, null, 2));
});

test('the schema check is not vacuous: it rejects an unknown service key and a bad depends_on condition', () => {
  const schema = loadSchema();
  const validate = new Ajv2019({ strict: false }).compile(schema);
  assert.equal(validate({ services: { a: { image: 'x:1', memory_limit: '1g' } } }), false);
  assert.equal(validate({ services: { a: { image: 'x:1', depends_on: { b: { condition: 'service_ready' } } } } }), false);
});

test('the stack services are all there', () => {
  for (const name of ['grafana', 'loki', 'tempo', 'prometheus', 'alertmanager', 'otel-collector', 'postgres', 'rabbitmq']) {
    assert.ok(isObj(services[name]), `service ${name}`);
  }
});

test('every image is pinned to an exact version tag', () => {
  for (const [name, svc] of Object.entries(services)) {
    const image = str(obj(svc, name).image, `${name}.image`);
    const match = /^([a-z0-9./_-]+):([A-Za-z0-9._-]+)$/.exec(image);
    assert.ok(match, `${name}: image "${image}" has a tag`);
    const tag = match[2] ?? '';
    assert.notEqual(tag, 'latest', `${name}: not :latest`);
    // PostgreSQL numbers its releases major.minor (18.4 is a patch release of 18).
    const exact = name === 'postgres' ? /^\d+\.\d+$/ : /^v?\d+\.\d+\.\d+(-[a-z]+)?$/;
    assert.match(tag, exact, `${name}: "${tag}" is an exact release`);
  }
});

test('depends_on names existing services, and health-waits point at services with a healthcheck', () => {
  for (const [name, svc] of Object.entries(services)) {
    const dependsOn = obj(svc, name).depends_on;
    if (dependsOn === undefined) continue;
    assert.ok(isObj(dependsOn), `${name}: depends_on uses the long form with conditions`);
    for (const [dep, spec] of Object.entries(dependsOn)) {
      assert.ok(isObj(services[dep]), `${name} depends on ${dep}, which exists`);
      const condition = obj(spec, `${name}.depends_on.${dep}`).condition;
      if (oneShot.has(dep)) {
        assert.equal(condition, 'service_completed_successfully', `${name} waits for the one-shot ${dep} to finish`);
      } else {
        assert.equal(condition, 'service_healthy', `${name} waits for ${dep} to be healthy`);
        assert.ok(isObj(service(dep).healthcheck), `${dep} has a healthcheck, so ${name} can wait for it`);
      }
    }
  }
});

test('no dependency cycles', () => {
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (name: string, path: string[]): void => {
    if (done.has(name)) return;
    assert.ok(!visiting.has(name), `cycle: ${[...path, name].join(' -> ')}`);
    visiting.add(name);
    const deps = service(name).depends_on;
    for (const dep of isObj(deps) ? Object.keys(deps) : []) visit(dep, [...path, name]);
    visiting.delete(name);
    done.add(name);
  };
  for (const name of Object.keys(services)) visit(name, []);
});

test('every long-running service has a healthcheck, a memory limit, a restart policy and a named volume', () => {
  const namedVolumes = new Set(Object.keys(obj(compose.volumes, 'volumes')));
  for (const [name, svc] of Object.entries(services)) {
    if (oneShot.has(name)) {
      assert.equal(obj(svc, name).restart, 'no', `${name} is one-shot`);
      continue;
    }
    const s = obj(svc, name);
    const hc = obj(s.healthcheck, `${name}.healthcheck`);
    const testCmd = arr(hc.test, `${name}.healthcheck.test`);
    assert.ok(testCmd[0] === 'CMD' || testCmd[0] === 'CMD-SHELL', `${name}: healthcheck test form`);
    const memory = s.mem_limit ?? obj(obj(obj(s.deploy ?? {}, 'deploy').resources ?? {}, 'resources').limits ?? {}, 'limits').memory;
    assert.match(String(memory), /^\d+[kmg]$/, `${name}: memory limit`);
    assert.ok(['always', 'unless-stopped', 'on-failure'].includes(String(s.restart)), `${name}: restart policy`);
    const volumes = arr(s.volumes, `${name}.volumes`).map((v) => str(v, 'volume'));
    const named = volumes.map((v) => v.split(':')[0] ?? '').filter((source) => namedVolumes.has(source) && source !== 'healthcheck-bin');
    assert.ok(named.length >= 1, `${name}: a named volume for its data`);
  }
});

test('every volume is declared or a bind mount of a file in the repo', () => {
  const namedVolumes = new Set(Object.keys(obj(compose.volumes, 'volumes')));
  for (const [name, svc] of Object.entries(services)) {
    for (const v of arr(obj(svc, name).volumes ?? [], `${name}.volumes`)) {
      const [source] = str(v, 'volume').split(':');
      assert.ok(source);
      if (source.startsWith('./')) {
        // dashboards/generated is produced by `npm run dashboards`; everything else is ours.
        if (source === './dashboards/generated') continue;
        assert.ok(existsSync(repoPath(source)), `${name}: bind mount source ${source} exists`);
      } else {
        assert.ok(namedVolumes.has(source), `${name}: volume ${source} is declared`);
      }
    }
  }
});

test('only Grafana and the demo gateway publish a host port, on 127.0.0.1 unless their bind-address variable says otherwise', () => {
  for (const [name, svc] of Object.entries(services)) {
    const ports = obj(svc, name).ports;
    if (name === 'grafana') assert.deepEqual(ports, ['${GRAFANA_BIND_ADDRESS:-127.0.0.1}:3000:3000']);
    else if (name === 'gateway') assert.deepEqual(ports, ['${DEMO_GATEWAY_BIND_ADDRESS:-127.0.0.1}:8080:8080']);
    else assert.equal(ports, undefined, `${name} publishes no port`);
  }
});

test('no port of docker-compose.yml or its override binds beyond loopback when no variable is set', () => {
  const files = { 'docker-compose.yml': services, 'publish-ports.yml': overrideServices };
  for (const [file, fileServices] of Object.entries(files)) {
    for (const [name, svc] of Object.entries(fileServices)) {
      for (const entry of arr(obj(svc, name).ports ?? [], `${file} ${name}.ports`)) {
        assert.ok(LOOPBACK.has(hostAddress(entry)), `${file} ${name}: ${JSON.stringify(entry)} binds to "${hostAddress(entry)}", not loopback`);
      }
    }
  }
});

test('the loopback check is not vacuous: it catches all-interface and non-loopback defaults', () => {
  for (const entry of ['3000:3000', '3000', '0.0.0.0:3000:3000', '${BIND:-0.0.0.0}:3000:3000', '${BIND}:3000:3000', { target: 3000, published: 3000 }]) {
    assert.ok(!LOOPBACK.has(hostAddress(entry)), JSON.stringify(entry));
  }
  assert.equal(hostAddress('${BIND:-127.0.0.1}:3000:3000'), '127.0.0.1');
  assert.equal(hostAddress({ host_ip: '127.0.0.1', target: 3000 }), '127.0.0.1');
});

test('the override publishes the backends on 127.0.0.1 only, never through a variable', () => {
  const published = new Map<string, string[]>();
  for (const [name, svc] of Object.entries(overrideServices)) {
    assert.ok(isObj(services[name]), `override names an existing service ${name}`);
    const ports = arr(obj(svc, name).ports, `${name}.ports`).map((p) => str(p, 'port'));
    for (const p of ports) assert.match(p, /^127\.0\.0\.1:\d+:\d+$/);
    published.set(name, ports);
  }
  assert.deepEqual(published.get('prometheus'), ['127.0.0.1:9090:9090']);
  assert.deepEqual(published.get('alertmanager'), ['127.0.0.1:9093:9093']);
  assert.deepEqual(published.get('loki'), ['127.0.0.1:3100:3100']);
  assert.deepEqual(published.get('tempo'), ['127.0.0.1:3200:3200']);
  assert.ok(published.get('otel-collector')?.includes('127.0.0.1:4318:4318'));
});

test('no password has a default: each must be set, and compose stops with a message naming it otherwise', () => {
  const text = readFileSync(repoPath('docker-compose.yml'), 'utf8');
  assert.deepEqual(secretsWithDefaults(text), []);
  for (const [name, svc] of Object.entries(services)) {
    for (const [key, value] of Object.entries(obj(obj(svc, name).environment ?? {}, `${name}.environment`))) {
      if (!/(PASSWORD|PASS)$/.test(key)) continue;
      const variable = /^\$\{([A-Z_]+):\?set \1 in \.env, see docs\/stack\.md\}$/.exec(String(value));
      assert.ok(variable, `${name}.${key} is required from the environment: ${String(value)}`);
    }
  }
  // Not vacuous: the old fallbacks are caught.
  assert.deepEqual(secretsWithDefaults('a: ${GRAFANA_ADMIN_PASSWORD:-admin} b: ${RABBITMQ_PASSWORD-x} c: ${API_TOKEN:?set it}'), ['GRAFANA_ADMIN_PASSWORD', 'RABBITMQ_PASSWORD']);
});

test('Grafana: anonymous access off by default and Viewer at most, no sign-up, viewers cannot edit', () => {
  const env = obj(service('grafana').environment, 'grafana.environment');
  assert.equal(withNoVariablesSet(str(env.GF_AUTH_ANONYMOUS_ENABLED, 'GF_AUTH_ANONYMOUS_ENABLED')), 'false');
  assert.equal(env.GF_AUTH_ANONYMOUS_ORG_ROLE, 'Viewer');
  assert.equal(env.GF_USERS_ALLOW_SIGN_UP, 'false');
  assert.equal(env.GF_USERS_VIEWERS_CAN_EDIT, 'false');
  assert.equal(withNoVariablesSet(str(env.GF_SECURITY_ADMIN_PASSWORD, 'GF_SECURITY_ADMIN_PASSWORD')), '<GRAFANA_ADMIN_PASSWORD>');
});

test('config files are mounted where each service reads them', () => {
  const mounts = (name: string): string[] => arr(service(name).volumes, name).map((v) => str(v, 'volume'));
  assert.ok(mounts('prometheus').includes('./collector-config/prometheus:/etc/prometheus:ro'));
  assert.ok(arr(service('prometheus').command, 'command').includes('--config.file=/etc/prometheus/prometheus.yml'));
  assert.ok(arr(service('prometheus').command, 'command').includes('--enable-feature=exemplar-storage'));
  assert.ok(arr(service('prometheus').command, 'command').includes('--web.enable-remote-write-receiver'));
  assert.ok(mounts('alertmanager').includes('./collector-config/alertmanager:/etc/alertmanager:ro'));
  assert.ok(mounts('loki').includes('./collector-config/loki/loki.yml:/etc/loki/loki.yml:ro'));
  assert.ok(mounts('loki').includes('./collector-config/loki/rules:/etc/loki/rules:ro'));
  assert.ok(mounts('tempo').includes('./collector-config/tempo/tempo.yml:/etc/tempo/tempo.yml:ro'));
  assert.ok(mounts('otel-collector').includes('./collector-config/otel-collector/config.yaml:/etc/otelcol-contrib/config.yaml:ro'));
  assert.ok(mounts('grafana').includes('./collector-config/grafana/provisioning:/etc/grafana/provisioning:ro'));
  assert.ok(mounts('grafana').includes('./dashboards/generated:/var/lib/grafana/dashboards:ro'));
});

test('the agent environment anchor points services at the collector and Loki', () => {
  const env = obj(compose['x-threadline-agent-env'], 'x-threadline-agent-env');
  assert.equal(env.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://otel-collector:4318');
  assert.equal(env.THREADLINE_LOKI_URL, 'http://loki:3100');
  assert.equal(env.THREADLINE_METRICS_PORT, '9464');
});

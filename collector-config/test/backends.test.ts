// Static checks of the collector, Tempo, Loki and Grafana configs: collector pipelines reference
// only defined components (memory_limiter first), Tempo 3 carries no key Tempo 3 removed, Loki uses
// tsdb/v13 with retention and the ruler wired to Alertmanager, and every Grafana cross-link names
// a datasource UID that exists.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { arr, configPath, isObj, loadYaml, obj, repoPath, str } from './helpers.ts';
import type { Obj } from './helpers.ts';

test('collector: every pipeline references defined receivers, processors and exporters; memory_limiter first', () => {
  const config = obj(loadYaml(configPath('otel-collector/config.yaml')), 'collector config');
  const defined = {
    receivers: new Set(Object.keys(obj(config.receivers, 'receivers'))),
    processors: new Set(Object.keys(obj(config.processors, 'processors'))),
    exporters: new Set(Object.keys(obj(config.exporters, 'exporters'))),
    extensions: new Set(Object.keys(obj(config.extensions, 'extensions'))),
  };
  const service = obj(config.service, 'service');
  for (const ext of arr(service.extensions, 'service.extensions')) assert.ok(defined.extensions.has(str(ext, 'extension')), `extension ${String(ext)} is defined`);
  const pipelines = obj(service.pipelines, 'pipelines');
  assert.ok(isObj(pipelines.traces), 'a traces pipeline');
  const used = { receivers: new Set<string>(), processors: new Set<string>(), exporters: new Set<string>() };
  for (const [name, p] of Object.entries(pipelines)) {
    const pipeline = obj(p, name);
    for (const kind of ['receivers', 'processors', 'exporters'] as const) {
      const list = arr(pipeline[kind], `${name}.${kind}`).map((c) => str(c, 'component'));
      assert.ok(list.length > 0 || kind === 'processors', `${name} has ${kind}`);
      for (const c of list) {
        assert.ok(defined[kind].has(c), `${name}: ${kind.slice(0, -1)} ${c} is defined`);
        used[kind].add(c);
      }
    }
    const processors = arr(pipeline.processors, 'processors');
    assert.equal(processors[0], 'memory_limiter', `${name}: memory_limiter runs first`);
    assert.ok(processors.includes('batch'), `${name}: batches`);
  }
  for (const kind of ['receivers', 'processors', 'exporters'] as const) {
    for (const c of defined[kind]) assert.ok(used[kind].has(c), `${kind.slice(0, -1)} ${c} is used by a pipeline`);
  }
  const otlp = obj(obj(obj(config.receivers, 'receivers').otlp, 'otlp').protocols, 'protocols');
  assert.equal(obj(otlp.http, 'http').endpoint, '0.0.0.0:4318');
  assert.equal(obj(otlp.grpc, 'grpc').endpoint, '0.0.0.0:4317');
  // The exporter storage refers to a defined extension; traces go to Tempo's OTLP gRPC receiver.
  const tempoExporter = obj(obj(config.exporters, 'exporters')['otlp_grpc/tempo'], 'otlp_grpc/tempo');
  assert.equal(tempoExporter.endpoint, 'tempo:4317');
  assert.ok(defined.extensions.has(str(obj(tempoExporter.sending_queue, 'sending_queue').storage, 'storage')));
  // Own metrics on :8888, which Prometheus scrapes.
  const reader = obj(arr(obj(obj(service.telemetry, 'telemetry').metrics, 'metrics').readers, 'readers')[0], 'reader');
  assert.equal(obj(obj(obj(reader.pull, 'pull').exporter, 'exporter').prometheus, 'prometheus').port, 8888);
});

test('Tempo 3: no key that Tempo 3 removed; OTLP receivers; metrics generator remote-writes with exemplars', () => {
  const config = obj(loadYaml(configPath('tempo/tempo.yml')), 'tempo.yml');
  for (const removed of ['ingester', 'ingester_client', 'compactor', 'metrics_generator_client']) {
    assert.equal(config[removed], undefined, `top-level ${removed} was removed in Tempo 3`);
  }
  const generator = obj(config.metrics_generator, 'metrics_generator');
  assert.equal(generator.traces_storage, undefined, 'metrics_generator.traces_storage was removed in Tempo 3');
  assert.equal(obj(generator.processor, 'processor').local_blocks, undefined, 'the local-blocks processor was removed in Tempo 3');
  const processors = arr(obj(obj(obj(config.overrides, 'overrides').defaults, 'defaults').metrics_generator, 'mg').processors, 'processors');
  assert.deepEqual(processors, ['service-graphs', 'span-metrics']);
  const [remote] = arr(obj(generator.storage, 'storage').remote_write, 'remote_write').map((r) => obj(r, 'remote_write'));
  assert.equal(remote?.url, 'http://prometheus:9090/api/v1/write');
  assert.equal(remote?.send_exemplars, true);
  const protocols = obj(obj(obj(obj(config.distributor, 'distributor').receivers, 'receivers').otlp, 'otlp').protocols, 'protocols');
  assert.equal(obj(protocols.grpc, 'grpc').endpoint, '0.0.0.0:4317');
  assert.equal(obj(protocols.http, 'http').endpoint, '0.0.0.0:4318');
  const trace = obj(obj(config.storage, 'storage').trace, 'trace');
  assert.equal(trace.backend, 'local');
  assert.match(String(obj(obj(config.backend_worker, 'backend_worker').compaction, 'compaction').block_retention), /^\d+h$/);
});

test('Loki 3: tsdb schema v13 on the filesystem, retention, structured metadata, ruler -> Alertmanager', () => {
  const config = obj(loadYaml(configPath('loki/loki.yml')), 'loki.yml');
  const [schema] = arr(obj(config.schema_config, 'schema_config').configs, 'configs').map((c) => obj(c, 'schema'));
  assert.equal(schema?.store, 'tsdb');
  assert.equal(schema?.schema, 'v13');
  assert.equal(schema?.object_store, 'filesystem');
  const limits = obj(config.limits_config, 'limits_config');
  assert.equal(limits.allow_structured_metadata, true);
  assert.match(String(limits.retention_period), /^\d+h$/);
  const compactor = obj(config.compactor, 'compactor');
  assert.equal(compactor.retention_enabled, true);
  assert.equal(compactor.delete_request_store, 'filesystem', 'Loki 3 needs a delete request store when retention is on');
  assert.equal(compactor.shared_store, undefined, 'compactor.shared_store was removed in Loki 3');
  const ruler = obj(config.ruler, 'ruler');
  assert.equal(ruler.alertmanager_url, 'http://alertmanager:9093');
  const dir = str(obj(obj(ruler.storage, 'storage').local, 'local').directory, 'directory');
  assert.equal(dir, '/etc/loki/rules');
  // With auth_enabled false the tenant is "fake": rules/fake/*.yml.
  assert.equal(config.auth_enabled, false);
  assert.ok(readdirSync(configPath('loki/rules/fake')).some((f) => f.endsWith('.yml')));
});

function datasources(): Obj[] {
  const doc = obj(loadYaml(configPath('grafana/provisioning/datasources/datasources.yml')), 'datasources.yml');
  assert.equal(doc.apiVersion, 1);
  return arr(doc.datasources, 'datasources').map((d) => obj(d, 'datasource'));
}

test('Grafana datasources have the contract UIDs and point at the compose services', () => {
  const byUid = new Map(datasources().map((d) => [str(d.uid, 'uid'), d]));
  assert.deepEqual([...byUid.keys()].sort(), ['alertmanager', 'loki', 'prometheus', 'tempo']);
  assert.equal(byUid.get('prometheus')?.url, 'http://prometheus:9090');
  assert.equal(byUid.get('loki')?.url, 'http://loki:3100');
  assert.equal(byUid.get('tempo')?.url, 'http://tempo:3200');
  assert.equal(byUid.get('alertmanager')?.url, 'http://alertmanager:9093');
  assert.equal(byUid.get('prometheus')?.isDefault, true);
});

test('every Grafana cross-link resolves to a provisioned datasource UID', () => {
  const all = datasources();
  const uids = new Set(all.map((d) => str(d.uid, 'uid')));
  const links: { where: string; uid: unknown }[] = [];
  const walk = (node: unknown, path: string): void => {
    if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${path}[${i}]`));
    else if (isObj(node)) {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'datasourceUid') links.push({ where: `${path}.${k}`, uid: v });
        walk(v, `${path}.${k}`);
      }
    }
  };
  for (const d of all) walk(d.jsonData, String(d.uid));
  for (const { where, uid } of links) assert.ok(uids.has(String(uid)), `${where} -> ${String(uid)} exists`);
  const wanted = ['loki.derivedFields[0].datasourceUid', 'tempo.tracesToLogsV2.datasourceUid', 'tempo.tracesToMetrics.datasourceUid', 'tempo.serviceMap.datasourceUid', 'prometheus.exemplarTraceIdDestinations[0].datasourceUid'];
  for (const w of wanted) assert.ok(links.some((l) => l.where === w), `cross-link ${w}`);
  const byUid = new Map(all.map((d) => [String(d.uid), obj(d.jsonData, 'jsonData')]));
  const loki = byUid.get('loki');
  const derived = obj(arr(loki?.derivedFields, 'derivedFields')[0], 'derived field');
  assert.equal(derived.datasourceUid, 'tempo');
  const re = new RegExp(str(derived.matcherRegex, 'matcherRegex'));
  const line = JSON.stringify({ level: 'info', msg: 'request completed', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7' });
  assert.equal(re.exec(line)?.[1], '4bf92f3577b34da6a3ce929d0e0e4736', 'the derived field finds trace_id in an agent log line');
  const exemplars = arr(byUid.get('prometheus')?.exemplarTraceIdDestinations, 'exemplars').map((e) => obj(e, 'exemplar'));
  assert.ok(exemplars.some((e) => e.name === 'trace_id' && e.datasourceUid === 'tempo'), 'agent exemplars (trace_id) link to Tempo');
  const tempo = byUid.get('tempo');
  const toLogs = obj(tempo?.tracesToLogsV2, 'tracesToLogsV2');
  assert.equal(toLogs.filterByTraceID, true);
  assert.deepEqual(arr(toLogs.tags, 'tags'), [{ key: 'service.name', value: 'service_name' }]);
  assert.equal(obj(tempo?.nodeGraph, 'nodeGraph').enabled, true);
});

test('Grafana dashboard provider loads /var/lib/grafana/dashboards into the Threadline folder', () => {
  const doc = obj(loadYaml(configPath('grafana/provisioning/dashboards/threadline.yml')), 'dashboards provider');
  const [provider] = arr(doc.providers, 'providers').map((p) => obj(p, 'provider'));
  assert.equal(provider?.folder, 'Threadline');
  assert.equal(provider?.type, 'file');
  assert.equal(obj(provider?.options, 'options').path, '/var/lib/grafana/dashboards');
  assert.ok(existsSync(repoPath('dashboards')), 'the dashboards workspace exists');
});

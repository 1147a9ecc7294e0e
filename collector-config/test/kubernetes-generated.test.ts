// collector-config/kubernetes/generated/ is what the cluster gets of the compose stack's rules,
// dashboards, datasources and routes: it must be exactly what scripts/generate.ts makes from
// them now, and what it holds must still pass the checks the originals pass (promtool on the
// rule groups taken back out of the PrometheusRule objects).
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { generate } from '../kubernetes/scripts/generate.ts';
import { arr, configPath, isObj, loadYaml, obj, repoPath, requireTool, run, str } from './helpers.ts';
import type { Obj } from './helpers.ts';

const generatedDir = configPath('kubernetes/generated');

function objects(file: string): Obj[] {
  return parseAllDocuments(readFileSync(join(generatedDir, file), 'utf8')).map((doc) => obj(doc.toJS(), file));
}

test('regenerating leaves the committed files unchanged', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'threadline-kubernetes-'));
  try {
    const written = await generate(dir);
    assert.deepEqual(readdirSync(generatedDir).sort(), (await readdir(dir)).sort(), 'generated/ holds other files than the script writes: run `npm run kubernetes -w @threadline/collector-config`');
    for (const file of written) {
      const [want, have] = await Promise.all([readFile(join(dir, file), 'utf8'), readFile(join(generatedDir, file), 'utf8')]);
      assert.ok(want === have, `generated/${file} drifted from its sources: run \`npm run kubernetes -w @threadline/collector-config\` and commit the result`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('one PrometheusRule per rule file, holding its groups unchanged', () => {
  const rules = objects('prometheus-rules.yaml');
  const sources = readdirSync(configPath('prometheus/rules')).filter((f) => f.endsWith('.yml')).sort();
  assert.equal(rules.length, sources.length);
  rules.forEach((rule, i) => {
    assert.equal(rule.kind, 'PrometheusRule');
    const source = obj(loadYaml(configPath('prometheus/rules', sources[i] ?? '')), 'source');
    assert.deepEqual(obj(rule.spec, 'spec').groups, source.groups, `${String(obj(rule.metadata, 'metadata').name)} = ${sources[i]}`);
  });
});

test('promtool check rules accepts the groups taken back out of every generated PrometheusRule', () => {
  const promtool = requireTool('promtool', 'prometheus');
  const dir = mkdtempSync(join(tmpdir(), 'threadline-prometheusrule-'));
  try {
    const files = objects('prometheus-rules.yaml').map((rule) => {
      const file = join(dir, `${str(obj(rule.metadata, 'metadata').name, 'name')}.yml`);
      writeFileSync(file, JSON.stringify({ groups: obj(rule.spec, 'spec').groups }));
      return file;
    });
    const result = run(promtool, ['check', 'rules', ...files]);
    assert.equal(result.status, 0, result.output);
    assert.equal(result.output.match(/SUCCESS: [1-9]\d* rules found/g)?.length, files.length, result.output);
    // Not vacuous: the same check refuses a broken expression.
    writeFileSync(join(dir, 'broken.yml'), JSON.stringify({ groups: [{ name: 'x', rules: [{ alert: 'X', expr: 'sum(' }] }] }));
    assert.notEqual(run(promtool, ['check', 'rules', join(dir, 'broken.yml')]).status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Loki ruler files become ConfigMaps the Loki sidecar writes to the tenant directory', () => {
  const maps = objects('loki-rules.yaml');
  const sources = readdirSync(configPath('loki/rules/fake')).sort();
  assert.equal(maps.length, sources.length);
  for (const [i, map] of maps.entries()) {
    const metadata = obj(map.metadata, 'metadata');
    assert.deepEqual(obj(metadata.labels, 'labels').loki_rule, '');
    assert.equal(obj(metadata.annotations, 'annotations')['k8s-sidecar-target-directory'], '/rules/fake');
    const file = sources[i] ?? '';
    assert.equal(obj(map.data, 'data')[file], readFileSync(configPath('loki/rules/fake', file), 'utf8'));
  }
  const loki = obj(loadYaml(configPath('kubernetes/values/loki.yaml')), 'loki values');
  const sidecar = obj(obj(loki.sidecar, 'sidecar').rules, 'rules');
  assert.deepEqual([sidecar.label, sidecar.folder, sidecar.folderAnnotation], ['loki_rule', '/rules', 'k8s-sidecar-target-directory']);
});

test('every generated dashboard is a ConfigMap for the Grafana sidecar, in the Threadline folder, byte for byte', () => {
  const maps = objects('grafana-dashboards.yaml');
  const sources = readdirSync(repoPath('dashboards/generated')).filter((f) => f.endsWith('.json')).sort();
  assert.deepEqual(maps.map((m) => Object.keys(obj(m.data, 'data'))[0]), sources);
  for (const map of maps) {
    const metadata = obj(map.metadata, 'metadata');
    assert.equal(obj(metadata.labels, 'labels').grafana_dashboard, '1');
    assert.equal(obj(metadata.annotations, 'annotations').grafana_folder, 'Threadline');
    for (const [file, json] of Object.entries(obj(map.data, 'data'))) assert.equal(json, readFileSync(repoPath('dashboards/generated', file), 'utf8'));
  }
});

test('the datasources keep their UIDs and cross-links, and point at the in-cluster services', () => {
  const [map] = objects('grafana-datasources.yaml');
  assert.ok(map);
  const text = str(obj(map.data, 'data')['datasources.yml'], 'datasources.yml');
  const generated = obj(loadYamlText(text), 'generated datasources');
  const compose = obj(loadYaml(configPath('grafana/provisioning/datasources/datasources.yml')), 'compose datasources');
  const strip = (d: Obj): Obj => Object.fromEntries(Object.entries(d).filter(([k]) => k !== 'url'));
  assert.deepEqual(arr(generated.datasources, 'datasources').map((d) => strip(obj(d, 'ds'))), arr(compose.datasources, 'datasources').map((d) => strip(obj(d, 'ds'))));
  for (const d of arr(generated.datasources, 'datasources')) assert.match(str(obj(d, 'ds').url, 'url'), /\.observability\.svc\.cluster\.local/);
});

test('the Alertmanager values keep the compose routes and inhibitions, with receivers left to fill in', () => {
  const generated = obj(obj(obj(loadYaml(join(generatedDir, 'kube-prometheus-stack-alertmanager.yaml')), 'values').alertmanager, 'alertmanager').config, 'config');
  const compose = obj(loadYaml(configPath('alertmanager/alertmanager.yml')), 'alertmanager.yml');
  assert.deepEqual(generated.route, compose.route);
  assert.deepEqual(generated.inhibit_rules, compose.inhibit_rules);
  assert.deepEqual(arr(generated.receivers, 'receivers').map((r) => obj(r, 'r')), arr(compose.receivers, 'receivers').map((r) => ({ name: obj(r, 'r').name })));
  assert.ok(!isObj(arr(generated.receivers, 'receivers')[0]) || !('webhook_configs' in obj(arr(generated.receivers, 'receivers')[0], 'r')));
});

function loadYamlText(text: string): unknown {
  const [doc] = parseAllDocuments(text);
  return doc?.toJS();
}

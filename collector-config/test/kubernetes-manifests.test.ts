// Every Kubernetes object under collector-config/kubernetes/ (manifests/ and generated/) against
// the API schemas of Kubernetes 1.36 (kubernetes-models 5.1.0) and, for PodMonitor and
// PrometheusRule, of the prometheus-operator CRDs (@kubernetes-models/prometheus-operator 6.0.0,
// operator 0.91): types, required fields, enums and formats, offline. These schemas leave unknown
// fields alone (the API server's strict field validation refuses them), so the models' TypeScript
// types check that no object has a field its kind lacks (kubernetes-fields.ts); the tests after
// that look at the fields that matter by name.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { typeErrors } from './kubernetes-fields.ts';
import { arr, configPath, isObj, obj, str } from './helpers.ts';
import type { Obj } from './helpers.ts';

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: Obj) => Validatable;

/** The module that has the model of `apiVersion`/`kind`: core (v1), named groups, the operator's CRDs. */
function modelModule(apiVersion: string, kind: string): string {
  if (apiVersion.startsWith('monitoring.coreos.com/')) return `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`;
  return `kubernetes-models/${apiVersion}/${kind}`;
}

async function validateObject(object: Obj): Promise<void> {
  const apiVersion = str(object.apiVersion, 'apiVersion');
  const kind = str(object.kind, 'kind');
  let Model: ModelClass;
  try {
    Model = ((await import(modelModule(apiVersion, kind))) as Record<string, ModelClass>)[kind] as ModelClass;
  } catch {
    throw new Error(`${apiVersion} ${kind}: no schema for this kind (kubernetes-models has core and apps/batch/… kinds, @kubernetes-models/prometheus-operator the monitoring.coreos.com ones)`);
  }
  new Model(object).validate();
}

const kubernetesDir = configPath('kubernetes');
/** generated/kube-prometheus-stack-alertmanager.yaml is a values file, not an object. */
const manifestFiles = [
  ...readdirSync(join(kubernetesDir, 'manifests')).map((f) => `manifests/${f}`),
  ...readdirSync(join(kubernetesDir, 'generated')).filter((f) => f !== 'kube-prometheus-stack-alertmanager.yaml').map((f) => `generated/${f}`),
].sort();

function objectsOf(file: string): Obj[] {
  return parseAllDocuments(readFileSync(join(kubernetesDir, file), 'utf8')).map((doc, i) => {
    assert.deepEqual(doc.errors, [], `${file} document ${i + 1}`);
    return obj(doc.toJS(), `${file} document ${i + 1}`);
  });
}

const all = manifestFiles.flatMap((file) => objectsOf(file).map((object) => ({ file, object })));
const find = (kind: string, name: string): Obj => {
  const found = all.find(({ object }) => object.kind === kind && obj(object.metadata, 'metadata').name === name);
  assert.ok(found, `${kind} ${name}`);
  return found.object;
};

test('every manifest and generated object passes the Kubernetes 1.36 / prometheus-operator schemas', async () => {
  assert.ok(all.length >= 15, `${all.length} objects`);
  for (const { file, object } of all) {
    const name = `${file}: ${String(object.kind)} ${String(obj(object.metadata, 'metadata').name)}`;
    await assert.doesNotReject(validateObject(object), name);
  }
});

test('the schema check is not vacuous: it refuses a wrong type, a missing required field and an unknown enum value', async () => {
  const deployment = structuredClone(find('Deployment', 'orders'));
  obj(deployment.spec, 'spec').replicas = 'two';
  await assert.rejects(validateObject(deployment), /replicas must be integer/);
  const noSelector = structuredClone(find('Deployment', 'orders'));
  delete obj(noSelector.spec, 'spec').selector;
  await assert.rejects(validateObject(noSelector), /required property selector/);
  const monitor = structuredClone(find('PodMonitor', 'orders'));
  obj(monitor.spec, 'spec').scrapeProtocols = ['OpenMetrics'];
  await assert.rejects(validateObject(monitor), /scrapeProtocols\/0 must be equal to one of the allowed values/);
  await assert.rejects(validateObject({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }), /no schema for this kind/);
});

test('no object has a field its kind does not define (TypeScript checks each as a literal of its model type)', () => {
  const typed = all.map(({ file, object }) => ({
    name: `${file} ${String(object.kind)} ${String(obj(object.metadata, 'metadata').name)}`,
    module: modelModule(str(object.apiVersion, 'apiVersion'), str(object.kind, 'kind')),
    kind: str(object.kind, 'kind'),
    object,
  }));
  // Not vacuous, in the same program: a field one level too deep (scrapeProtocols belongs to the
  // PodMonitor's spec, not its endpoints) and a misspelt one are refused.
  const monitor = structuredClone(find('PodMonitor', 'orders'));
  obj(arr(obj(monitor.spec, 'spec').podMetricsEndpoints, 'endpoints')[0], 'endpoint').scrapeProtocols = ['OpenMetricsText1.0.0'];
  const deployment = structuredClone(find('Deployment', 'orders'));
  obj(deployment.spec, 'spec').replicaz = 2;
  const errors = typeErrors([
    ...typed,
    { name: 'bad monitor', module: modelModule('monitoring.coreos.com/v1', 'PodMonitor'), kind: 'PodMonitor', object: monitor },
    { name: 'bad deployment', module: modelModule('apps/v1', 'Deployment'), kind: 'Deployment', object: deployment },
  ]);
  assert.deepEqual(errors.filter((e) => !e.startsWith('bad ')), []);
  assert.equal(errors.length, 2, errors.join('\n'));
  assert.match(errors[0] ?? '', /^bad monitor: .*scrapeProtocols"?' does not exist in type 'IPodMetricsEndpoint'/);
  assert.match(errors[1] ?? '', /^bad deployment: .*replicaz"?' does not exist/);
});

function container(deployment: Obj): Obj {
  const spec = obj(obj(obj(deployment.spec, 'spec').template, 'template').spec, 'pod spec');
  return obj(arr(spec.containers, 'containers')[0], 'container');
}

function env(c: Obj): Map<string, Obj> {
  return new Map(arr(c.env, 'env').map((e) => [str(obj(e, 'env').name, 'name'), obj(e, 'env')]));
}

test('the example service preloads the agent and names its pod, namespace and node from the downward API', () => {
  const vars = env(container(find('Deployment', 'orders')));
  assert.equal(vars.get('NODE_OPTIONS')?.value, '--require @threadline/agent/register');
  assert.equal(vars.get('OTEL_SERVICE_NAME')?.value, 'orders');
  const fieldOf = (name: string): unknown => obj(obj(vars.get(name)?.valueFrom, `${name}.valueFrom`).fieldRef, `${name}.fieldRef`).fieldPath;
  assert.equal(fieldOf('K8S_POD_NAME'), 'metadata.name');
  assert.equal(fieldOf('K8S_NAMESPACE_NAME'), 'metadata.namespace');
  assert.equal(fieldOf('K8S_NODE_NAME'), 'spec.nodeName');
  assert.equal(fieldOf('NODE_IP'), 'status.hostIP');
  const attributes = Object.fromEntries(str(vars.get('OTEL_RESOURCE_ATTRIBUTES')?.value, 'OTEL_RESOURCE_ATTRIBUTES').split(',').map((pair) => pair.split('=')));
  assert.deepEqual(attributes, {
    'deployment.environment.name': 'production',
    'k8s.namespace.name': '$(K8S_NAMESPACE_NAME)',
    'k8s.pod.name': '$(K8S_POD_NAME)',
    'k8s.node.name': '$(K8S_NODE_NAME)',
  });
  // $(VAR) expands only to variables defined earlier in the list.
  const order = [...vars.keys()];
  for (const name of ['K8S_POD_NAME', 'K8S_NAMESPACE_NAME', 'K8S_NODE_NAME']) assert.ok(order.indexOf(name) < order.indexOf('OTEL_RESOURCE_ATTRIBUTES'), name);
  assert.ok(order.indexOf('NODE_IP') < order.indexOf('OTEL_EXPORTER_OTLP_ENDPOINT'));
  assert.equal(vars.get('OTEL_EXPORTER_OTLP_ENDPOINT')?.value, 'http://$(NODE_IP):4318');
  assert.equal(vars.get('THREADLINE_METRICS_PORT')?.value, '9464');
  assert.equal(vars.get('THREADLINE_METRICS_HOST')?.value, '0.0.0.0');
});

test('the example service has requests, a memory limit and probes, and its PodMonitor scrapes the agent port as OpenMetrics', () => {
  const deployment = find('Deployment', 'orders');
  const c = container(deployment);
  const resources = obj(c.resources, 'resources');
  assert.ok(isObj(resources.requests) && 'cpu' in resources.requests && 'memory' in resources.requests);
  assert.ok(isObj(resources.limits) && 'memory' in resources.limits);
  for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) assert.ok(isObj(c[probe]), probe);
  const ports = new Map(arr(c.ports, 'ports').map((p) => [obj(p, 'port').name, obj(p, 'port').containerPort]));
  assert.equal(ports.get('metrics'), 9464);
  const monitor = find('PodMonitor', 'orders');
  const spec = obj(monitor.spec, 'spec');
  const podLabels = obj(obj(obj(obj(deployment.spec, 'spec').template, 'template').metadata, 'metadata').labels, 'labels');
  for (const [key, value] of Object.entries(obj(obj(spec.selector, 'selector').matchLabels, 'matchLabels'))) assert.equal(podLabels[key], value, `selector ${key}`);
  const endpoint = obj(arr(spec.podMetricsEndpoints, 'endpoints')[0], 'endpoint');
  assert.equal(endpoint.port, 'metrics');
  // A field of the PodMonitor's spec, not of its endpoints (PodMonitorSpec in the operator's API).
  assert.equal(arr(spec.scrapeProtocols, 'scrapeProtocols')[0], 'OpenMetricsText1.0.0');
  assert.deepEqual(Object.keys(endpoint).sort(), ['interval', 'path', 'port', 'relabelings']);
  const relabel = arr(endpoint.relabelings, 'relabelings').map((r) => obj(r, 'relabeling'));
  assert.ok(relabel.some((r) => r.targetLabel === 'service'), 'the service label alerts group by');
  // ThreadlineServiceDown selects the services' `up` by the compose job name.
  const job = relabel.find((r) => r.targetLabel === 'job')?.replacement;
  assert.equal(job, 'threadline-services');
  assert.match(readFileSync(configPath('prometheus/rules/alerts.yml'), 'utf8'), new RegExp(`up\\{job="${String(job)}"\\} == 0`));
});

test('nothing under kubernetes/ carries a password: credentials come from Secrets you create', () => {
  for (const { file, object } of all) {
    if (object.kind === 'Secret') assert.fail(`${file}: a Secret with its data in the repository`);
    const text = JSON.stringify(object);
    assert.doesNotMatch(text, /"(password|MINIO_ROOT_PASSWORD|S3_SECRET_KEY)"\s*:\s*"[^$]/i, file);
  }
  const minio = env(container(find('Deployment', 'threadline-minio')));
  assert.equal(obj(obj(minio.get('MINIO_ROOT_PASSWORD')?.valueFrom, 'valueFrom').secretKeyRef, 'secretKeyRef').name, 'threadline-s3');
});

// The agent in a pod: the downward API's k8s.namespace.name, k8s.pod.name and k8s.node.name (in
// OTEL_RESOURCE_ATTRIBUTES, as collector-config/kubernetes/manifests/example-service.yaml sets
// them) reach the spans' resource and the Loki push, where only the namespace is a stream label;
// the agent's own metrics carry none of them (the scrape adds namespace and pod as target labels).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTracedApp, type TracedApp } from '../helpers/traced-app.ts';

const POD = 'orders-7d9c8b6f5-x2x9q';

describe('in a Kubernetes pod (OTEL_RESOURCE_ATTRIBUTES from the downward API)', () => {
  let traced: TracedApp;

  before(async () => {
    traced = await startTracedApp('express-app.cjs', {
      OTEL_SERVICE_NAME: 'orders',
      OTEL_RESOURCE_ATTRIBUTES: `deployment.environment.name=production,k8s.namespace.name=shop,k8s.pod.name=${POD},k8s.node.name=node-a`,
    });
    const response = await fetch(`${traced.app.url}/hello/ada`);
    assert.equal(response.status, 200);
  });

  after(() => traced.stop());

  it('puts all three on the resource of every span', async () => {
    const spans = await traced.otlp.waitFor((items) => items.some((s) => s.kind === 2));
    for (const span of spans) {
      assert.equal(span.resource['k8s.namespace.name'], 'shop', span.name);
      assert.equal(span.resource['k8s.pod.name'], POD, span.name);
      assert.equal(span.resource['k8s.node.name'], 'node-a', span.name);
    }
  });

  it('ships each log line with the namespace as a stream label and the pod and node as structured metadata', async () => {
    const shipped = await traced.loki.waitFor((items) => items.some((e) => e.line.includes('"said hello"')));
    assert.ok(shipped.length > 0);
    for (const entry of shipped) {
      assert.deepEqual(entry.labels, { service_name: 'orders', deployment_environment: 'production', k8s_namespace_name: 'shop', level: entry.labels.level });
      assert.deepEqual(entry.metadata, { k8s_node_name: 'node-a', k8s_pod_name: POD });
    }
  });

  it('adds none of them to its own metrics', async () => {
    const text = await traced.app.metrics();
    assert.match(text, /http_server_request_duration_seconds_count\{/);
    assert.doesNotMatch(text, /k8s_|shop|node-a|orders-7d9c8b6f5/);
  });
});

// Which of the pod's Kubernetes attributes become Loki stream labels and which structured metadata.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lokiResource } from '../../../../dist/logs/loki/resource.js';

const outside = { namespace: undefined, pod: undefined, node: undefined };

describe('lokiResource', () => {
  it('outside Kubernetes: the service and its environment as labels, no metadata', () => {
    assert.deepEqual(lokiResource({ serviceName: 'orders', environment: 'compose', kubernetes: outside }), {
      labels: { service_name: 'orders', deployment_environment: 'compose' },
      metadata: {},
    });
  });

  it('in Kubernetes: the namespace is a label; the pod and node, which change at every rollout, are metadata', () => {
    const kubernetes = { namespace: 'shop', pod: 'orders-7d9c8b6f5-x2x9q', node: 'node-a' };
    assert.deepEqual(lokiResource({ serviceName: 'orders', environment: 'production', kubernetes }), {
      labels: { service_name: 'orders', deployment_environment: 'production', k8s_namespace_name: 'shop' },
      metadata: { k8s_pod_name: 'orders-7d9c8b6f5-x2x9q', k8s_node_name: 'node-a' },
    });
  });

  it('leaves out what is not set rather than sending it empty', () => {
    const { labels, metadata } = lokiResource({ serviceName: 's', environment: 'e', kubernetes: { ...outside, pod: 'p' } });
    assert.deepEqual(labels, { service_name: 's', deployment_environment: 'e' });
    assert.deepEqual(metadata, { k8s_pod_name: 'p' });
  });
});

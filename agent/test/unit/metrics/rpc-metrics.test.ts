// The gRPC call histograms: one per side, labels bounded like the other outside-fed labels.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { AgentMetrics, MAX_LABEL_VALUES } from '../../../dist/metrics/agent-metrics.js';
import { MAX_RPC_METHODS, createRpcMetrics } from '../../../dist/metrics/rpc-metrics.js';
import type { RpcCallRecord } from '../../../dist/rpc/call.js';

const call = (side: 'server' | 'client', service: string, method: string, code = 0): RpcCallRecord => ({
  context: ROOT_CONTEXT,
  side,
  service,
  method,
  code,
  durationSeconds: 0.01,
});

describe('gRPC call metrics', () => {
  it('registers nothing until the first call', async () => {
    const metrics = new AgentMetrics('svc', { runtime: false });
    createRpcMetrics(metrics);
    assert.doesNotMatch(await metrics.render(false), /rpc_/);
  });

  it('records each side in its own histogram', async () => {
    const metrics = new AgentMetrics('svc', { runtime: false });
    const record = createRpcMetrics(metrics);
    record(call('server', 'shop.Orders', 'Get'));
    record(call('client', 'shop.Stock', 'Reserve', 14));
    const text = await metrics.render(false);
    assert.match(text, /rpc_server_call_duration_seconds_count\{service="svc",rpc_service="shop.Orders",rpc_method="Get",rpc_grpc_status_code="0"\} 1/);
    assert.match(text, /rpc_client_call_duration_seconds_count\{service="svc",rpc_service="shop.Stock",rpc_method="Reserve",rpc_grpc_status_code="14"\} 1/);
  });

  it('keeps services and methods to the first distinct values, the rest as `other`', async () => {
    const metrics = new AgentMetrics('svc', { runtime: false });
    const record = createRpcMetrics(metrics);
    for (let i = 0; i < MAX_LABEL_VALUES + 10; i++) record(call('client', `svc${i}.S`, 'M'));
    for (let i = 0; i < MAX_RPC_METHODS + 10; i++) record(call('client', 'svc0.S', `m${i}`));
    const text = await metrics.render(false);
    const series = text.split('\n').filter((line) => line.startsWith('rpc_client_call_duration_seconds_count'));
    assert.ok(series.some((line) => line.includes('rpc_service="other",rpc_method="other"')));
    assert.ok(series.some((line) => line.includes('rpc_service="svc0.S",rpc_method="other"')));
    assert.ok(series.length <= MAX_LABEL_VALUES + MAX_RPC_METHODS + 2, `${series.length} series`);
  });
});

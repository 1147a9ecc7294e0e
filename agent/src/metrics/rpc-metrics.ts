// The gRPC call histograms, named as Prometheus spells OpenTelemetry's RPC conventions
// (rpc.server.call.duration, rpc.client.call.duration). Services and methods come from the
// app's code on the server, but a client can call any path: both are kept to the first N
// distinct values, as the other outside-fed labels are.
import type { RpcCallRecord } from '../rpc/call.ts';
import { BoundedLabel, OTHER } from './bounded-label.ts';
import { MAX_LABEL_VALUES, exemplarOf, type AgentMetrics } from './agent-metrics.ts';
import { TracedHistogram } from './traced-histogram.ts';

/** Distinct service/method pairs before `other`: a service has tens of methods, not one. */
export const MAX_RPC_METHODS = 500;

type RpcLabel = 'rpc_service' | 'rpc_method' | 'rpc_grpc_status_code';
const LABEL_NAMES: RpcLabel[] = ['rpc_service', 'rpc_method', 'rpc_grpc_status_code'];

/** The histograms are registered at the first call: a service without gRPC shows none. */
export function createRpcMetrics(metrics: AgentMetrics): (record: RpcCallRecord) => void {
  let record: ((record: RpcCallRecord) => void) | undefined;
  return (call) => {
    record ??= rpcHistograms(metrics);
    record(call);
  };
}

function rpcHistograms(metrics: AgentMetrics): (record: RpcCallRecord) => void {
  const server = new TracedHistogram(
    metrics.histogram({ name: 'rpc_server_call_duration_seconds', help: 'Duration of inbound gRPC calls, to the status sent.', labelNames: LABEL_NAMES }),
  );
  const client = new TracedHistogram(
    metrics.histogram({ name: 'rpc_client_call_duration_seconds', help: 'Duration of outgoing gRPC calls, to the status received.', labelNames: LABEL_NAMES }),
  );
  const services = new BoundedLabel(MAX_LABEL_VALUES);
  const methods = new BoundedLabel(MAX_RPC_METHODS);
  return (record) => {
    const service = services.value(record.service);
    const method = service === OTHER || methods.value(`${service}/${record.method}`) === OTHER ? OTHER : record.method;
    const labels = { rpc_service: service, rpc_method: method, rpc_grpc_status_code: record.code };
    (record.side === 'server' ? server : client).observe(labels, record.durationSeconds, exemplarOf(record.context));
  };
}

// Small PromQL composers. They keep label filters and rate windows identical
// across dashboards, which is what makes two panels comparable.

export const RATE_WINDOW = '$__rate_interval';

export const onService = 'service=~"$service"';
export const onInstance = 'instance=~"$instance"';
export const onRoute = 'http_route=~"$route"';
export const serverErrors = 'http_response_status_code=~"5.."';

export const SERVER_DURATION = 'http_server_request_duration_seconds';
export const CLIENT_DURATION = 'http_client_request_duration_seconds';
export const MESSAGING_DURATION = 'messaging_process_duration_seconds';
export const RPC_SERVER_DURATION = 'rpc_server_call_duration_seconds';
export const RPC_CLIENT_DURATION = 'rpc_client_call_duration_seconds';
// The gRPC codes that are the server's fault (OpenTelemetry's RPC conventions; the
// ThreadlineRpcHighErrorRatio alert counts the same): UNKNOWN, DEADLINE_EXCEEDED,
// UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS.
export const rpcServerFaults = 'rpc_grpc_status_code=~"2|4|12|13|14|15"';
export const rpcNotOk = 'rpc_grpc_status_code!="0"';

export function selector(metric: string, ...matchers: string[]): string {
  return matchers.length === 0 ? metric : `${metric}{${matchers.join(', ')}}`;
}

export function sumBy(labels: readonly string[], expr: string): string {
  return labels.length === 0 ? `sum(${expr})` : `sum by (${labels.join(', ')}) (${expr})`;
}

export function rate(metric: string, matchers: readonly string[], window: string = RATE_WINDOW): string {
  return `rate(${selector(metric, ...matchers)}[${window}])`;
}

export function increase(metric: string, matchers: readonly string[], window: string): string {
  return `increase(${selector(metric, ...matchers)}[${window}])`;
}

// Per-second rate of a counter, summed by the given labels.
export function sumRate(metric: string, by: readonly string[], matchers: readonly string[]): string {
  return sumBy(by, rate(metric, matchers));
}

// Requests per second from a histogram's _count series.
export function requestRate(histogram: string, by: readonly string[], matchers: readonly string[]): string {
  return sumRate(`${histogram}_count`, by, matchers);
}

// Share of a histogram's observations matching `failure`, e.g. 5xx status codes.
export function failureRatio(histogram: string, failure: string, by: readonly string[], matchers: readonly string[]): string {
  return `${requestRate(histogram, by, [...matchers, failure])} / ${requestRate(histogram, by, matchers)}`;
}

// Quantile straight from the buckets; keeps exemplars available, unlike recorded series.
export function quantile(q: number, histogram: string, by: readonly string[], matchers: readonly string[], window: string = RATE_WINDOW): string {
  return `histogram_quantile(${q}, ${sumBy(['le', ...by], rate(`${histogram}_bucket`, matchers, window))})`;
}

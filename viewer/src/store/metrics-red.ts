// The RED histograms the viewer keeps, and how each one names its route, method and status and tells an
// error: OpenTelemetry's semantic conventions as Prometheus spells them (the agent's metric names).

export interface RedMetric {
  /** The labels whose values, joined by '/', make the route. */
  readonly route: readonly string[];
  readonly method: string | undefined;
  readonly status: string;
  isError(status: string): boolean;
}

const httpServerError = (status: string): boolean => /^\d+$/.test(status) && Number(status) >= 500;
/** A client request with no response (`error`) failed too. */
const httpClientError = (status: string): boolean => !/^\d+$/.test(status) || Number(status) >= 500;
/** gRPC codes OpenTelemetry counts as server errors: UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS. */
const GRPC_SERVER_ERRORS = new Set(['2', '4', '12', '13', '14', '15']);

export const RED_METRICS: Readonly<Record<string, RedMetric>> = {
  http_server_request_duration_seconds: { route: ['http_route'], method: 'http_request_method', status: 'http_response_status_code', isError: httpServerError },
  http_client_request_duration_seconds: { route: ['server_address'], method: 'http_request_method', status: 'http_response_status_code', isError: httpClientError },
  messaging_process_duration_seconds: { route: ['messaging_destination_name'], method: undefined, status: 'outcome', isError: (status) => status === 'failure' },
  rpc_server_call_duration_seconds: { route: ['rpc_service', 'rpc_method'], method: undefined, status: 'rpc_grpc_status_code', isError: (status) => GRPC_SERVER_ERRORS.has(status) },
};

export const RED_FAMILIES: ReadonlySet<string> = new Set(Object.keys(RED_METRICS));
export const DEFAULT_RED_METRIC = 'http_server_request_duration_seconds';

export interface SeriesIdentity {
  readonly metric: string;
  readonly service: string;
  readonly route: string;
  readonly method: string;
  readonly status: string;
  readonly error: boolean;
}

export function seriesIdentity(metric: string, service: string, labels: Readonly<Record<string, string>>): SeriesIdentity {
  const definition = RED_METRICS[metric];
  if (definition === undefined) throw new Error(`${metric} is not one of the kept histograms: ${Object.keys(RED_METRICS).join(', ')}`);
  const status = labels[definition.status] ?? '';
  return {
    metric,
    service,
    route: definition.route.map((name) => labels[name] ?? '').filter((part) => part !== '').join('/'),
    method: definition.method === undefined ? '' : (labels[definition.method] ?? ''),
    status,
    error: definition.isError(status),
  };
}

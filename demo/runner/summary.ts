// The live terminal summary: per service request rate, error %, p95, consumed messages (and the
// share that failed) and breaker state from
// Prometheus (one-minute windows, so it follows a scenario quickly), the alerts firing, what the
// alert sink received, and one recent request to follow through the logs.
import { SERVICE_NAMES } from '../shared/settings.ts';
import { query, type Series } from './prometheus-api.ts';
import type { TrafficStats } from './traffic.ts';

export interface SummaryInput {
  readonly elapsedSeconds: number;
  readonly scenario: string | undefined;
  readonly prometheusUrl: string | undefined;
  /** Why there is no Prometheus, when there is none. */
  readonly noPrometheusReason: string | undefined;
  readonly alertSinkUrl: string | undefined;
  readonly traffic: TrafficStats;
  /** How to see one request's log lines, given its correlation ID. */
  readonly logHint: (correlationId: string) => string;
}

const QUERIES = {
  rate: 'sum by (service) (rate(http_server_request_duration_seconds_count[1m]))',
  errors: 'sum by (service) (rate(http_server_request_duration_seconds_count{http_response_status_code=~"5.."}[1m]))',
  p95: 'histogram_quantile(0.95, sum by (service, le) (rate(http_server_request_duration_seconds_bucket[1m])))',
  messages: 'sum by (service) (rate(messaging_process_duration_seconds_count[1m]))',
  messageFailures: 'sum by (service) (rate(messaging_process_duration_seconds_count{outcome="failure"}[1m]))',
  breakers: 'circuit_breaker_state == 1',
  alerts: 'ALERTS',
};

function byService(series: readonly Series[]): Map<string, number> {
  return new Map(series.map((s) => [s.labels.service ?? '', s.value]));
}

function clock(seconds: number): string {
  const s = Math.floor(seconds);
  return [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60].map((n) => String(n).padStart(2, '0')).join(':');
}

function number(value: number | undefined, digits: number, suffix = ''): string {
  return value === undefined || !Number.isFinite(value) ? '–' : `${value.toFixed(digits)}${suffix}`;
}

async function serviceTable(prometheusUrl: string): Promise<string[]> {
  const [rate, errors, p95, messages, messageFailures, breakers, alerts] = await Promise.all(Object.values(QUERIES).map((promql) => query(prometheusUrl, promql)));
  const rates = byService(rate ?? []);
  const errorRates = byService(errors ?? []);
  const p95s = byService(p95 ?? []);
  const messageRates = byService(messages ?? []);
  const failedMessages = byService(messageFailures ?? []);
  const share = (part: number | undefined, whole: number | undefined): number | undefined => (whole ? ((part ?? 0) / whole) * 100 : undefined);
  const lines = [`  ${'service'.padEnd(14)}${'req/s'.padStart(7)}${'error %'.padStart(9)}${'p95 ms'.padStart(9)}${'msg/s'.padStart(8)}${'failed %'.padStart(10)}   breaker`];
  for (const service of SERVICE_NAMES) {
    const requests = rates.get(service);
    const consumed = messageRates.get(service);
    const p95ms = p95s.has(service) ? (p95s.get(service) ?? 0) * 1000 : undefined;
    const breaker = (breakers ?? []).filter((s) => s.labels.service === service).map((s) => `${s.labels.breaker}: ${s.labels.state}`).join(', ');
    lines.push(
      `  ${service.padEnd(14)}${number(requests, 2).padStart(7)}${number(share(errorRates.get(service), requests), 1, '%').padStart(9)}${number(p95ms, 0).padStart(9)}` +
        `${number(consumed, 2).padStart(8)}${number(share(failedMessages.get(service), consumed), 1, '%').padStart(10)}   ${breaker}`,
    );
  }
  const describe = (state: string): string =>
    (alerts ?? [])
      .filter((s) => s.labels.alertstate === state)
      .map((s) => `${s.labels.alertname}{${s.labels.service ?? s.labels.job ?? ''}}`)
      .sort()
      .join(', ') || 'none';
  lines.push(`  alerts firing: ${describe('firing')}`);
  lines.push(`  alerts pending: ${describe('pending')}`);
  return lines;
}

async function sinkLine(alertSinkUrl: string): Promise<string> {
  try {
    const body = (await (await fetch(`${alertSinkUrl}/alerts`, { signal: AbortSignal.timeout(2000) })).json()) as { alerts: Array<{ status: string; labels: Record<string, string> }> };
    const last = body.alerts.at(-1);
    return `  alert sink received ${body.alerts.length} notification(s)${last ? `; last: ${last.labels.alertname} (${last.labels.service ?? ''}) ${last.status}` : ''}`;
  } catch {
    return '  alert sink: not answering';
  }
}

export async function renderSummary(input: SummaryInput): Promise<string> {
  const { traffic } = input;
  const lines = [
    `── threadline demo · ${clock(input.elapsedSeconds)} · scenario: ${input.scenario ?? 'none'} ─────────────────`,
    `  generated: ${traffic.sent} requests, ${traffic.ok} ok, ${traffic.clientErrors} 4xx, ${traffic.serverErrors} 5xx/failed`,
  ];
  if (input.prometheusUrl) {
    try {
      lines.push(...(await serviceTable(input.prometheusUrl)));
    } catch (error) {
      lines.push(`  Prometheus: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (input.alertSinkUrl) lines.push(await sinkLine(input.alertSinkUrl));
  } else {
    lines.push(`  ${input.noPrometheusReason ?? 'no Prometheus'}`);
  }
  const sample = traffic.lastSample;
  if (sample) {
    lines.push(`  sample: ${sample.request} → ${sample.status}${sample.orderStatus ? ` (${sample.orderStatus})` : ''}, correlation ID ${sample.correlationId}`);
    lines.push(`    follow it: ${input.logHint(sample.correlationId)}`);
  }
  return lines.join('\n');
}

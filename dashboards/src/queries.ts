// Query builders per datasource, pre-wired to the stack's datasources.
import type { Builder, Dataquery } from '@grafana/grafana-foundation-sdk/cog';
import { DataqueryBuilder as PromQuery, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { DataqueryBuilder as LokiQuery } from '@grafana/grafana-foundation-sdk/loki';
import { DataqueryBuilder as TempoQuery, SearchTableType, TempoQueryType } from '@grafana/grafana-foundation-sdk/tempo';
import { loki, prometheus, tempo } from './datasources.ts';

export interface Query extends Builder<Dataquery> {
  refId(refId: string): this;
}

export interface PromOptions {
  // Exemplars link latency points to the trace that produced them.
  exemplar?: boolean;
  // Instant queries feed tables and stats that show "now", not a history.
  instant?: boolean;
}

export function prom(expr: string, legend: string, options: PromOptions = {}): PromQuery {
  const query = new PromQuery().datasource(prometheus).expr(expr).legendFormat(legend);
  if (options.instant) {
    query.instant().format(PromQueryFormat.Table);
  } else {
    query.range();
  }
  return options.exemplar ? query.exemplar(true) : query;
}

export function logql(expr: string, legend = ''): LokiQuery {
  const query = new LokiQuery().datasource(loki).expr(expr);
  return legend === '' ? query : query.legendFormat(legend);
}

export function traceql(query: string, limit: number): TempoQuery {
  return new TempoQuery()
    .datasource(tempo)
    .queryType(TempoQueryType.Traceql)
    .query(query)
    .tableType(SearchTableType.Traces)
    .limit(limit);
}

// A trace looked up by its ID: Tempo's TraceQL editor accepts a bare trace ID.
export function traceById(traceId: string): TempoQuery {
  return new TempoQuery().datasource(tempo).queryType(TempoQueryType.Traceql).query(traceId);
}

export function serviceMap(): TempoQuery {
  return new TempoQuery().datasource(tempo).queryType(TempoQueryType.ServiceMap);
}

// Grafana needs distinct refIds; letters in order keep the JSON stable.
export function lettered<Q extends Query>(queries: readonly Q[]): Q[] {
  return queries.map((query, i) => query.refId(String.fromCharCode(65 + i)));
}

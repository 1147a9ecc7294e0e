// Template variables shared by the dashboards. Names are part of the dashboards'
// URL contract: alerts and data links pass `var-service=…` and friends.
import {
  QueryVariableBuilder,
  TextBoxVariableBuilder,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';
import type { DatasourceVariableBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { loki, prometheus, prometheusVariable } from './datasources.ts';

interface Choice {
  multi: boolean;
}

function promVariable(name: string, label: string, query: string, choice: Choice): QueryVariableBuilder {
  return labelVariable(name, label, query, prometheus, choice);
}

function labelVariable(name: string, label: string, query: string, datasource: DataSourceRef, choice: Choice): QueryVariableBuilder {
  const variable = new QueryVariableBuilder(name)
    .label(label)
    .datasource(datasource)
    .query(query)
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(choice.multi)
    .includeAll(choice.multi);
  // ".+" rather than Grafana's expanded list keeps "All" queries short and
  // still satisfies Loki's rule that a selector needs a non-empty matcher.
  return choice.multi ? variable.allValue('.+') : variable;
}

// process_start_time_seconds is exported by every agent, so services without an
// HTTP server (pure consumers) are listed too.
export function serviceVariable(choice: Choice): QueryVariableBuilder {
  return promVariable('service', 'Service', 'label_values(process_start_time_seconds, service)', choice);
}

export function instanceVariable(): QueryVariableBuilder {
  return promVariable(
    'instance',
    'Instance',
    'label_values(process_start_time_seconds{service=~"$service"}, instance)',
    { multi: true },
  );
}

export function routeVariable(): QueryVariableBuilder {
  return promVariable(
    'route',
    'Route',
    'label_values(http_server_request_duration_seconds_count{service=~"$service"}, http_route)',
    { multi: true },
  );
}

// Log streams know services by the `service_name` label, which also covers
// services whose metrics are not scraped.
export function logServiceVariable(): QueryVariableBuilder {
  return labelVariable('service', 'Service', 'label_values(service_name)', loki, { multi: true });
}

export function textVariable(name: string, label: string, description: string): TextBoxVariableBuilder {
  return new TextBoxVariableBuilder(name).label(label).description(description).defaultValue('');
}

// The usual pair: which Prometheus, and which services (any number, default all).
export function acrossServices(): [DatasourceVariableBuilder, QueryVariableBuilder] {
  return [prometheusVariable(), serviceVariable({ multi: true })];
}

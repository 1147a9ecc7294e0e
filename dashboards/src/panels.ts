// Panel factories: each sets the datasource, the targets and the few options
// every dashboard wants the same way (legend as a table, multi tooltips, units).
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';
import {
  BigValueColorMode,
  BigValueGraphMode,
  LegendDisplayMode,
  LegendPlacement,
  LogsSortOrder,
  ReduceDataOptionsBuilder,
  SortOrder,
  TableSortByFieldStateBuilder,
  VizLegendOptionsBuilder,
  VizTooltipOptionsBuilder,
  TooltipDisplayMode,
  VisibilityMode,
  GraphDrawStyle,
  GraphThresholdsStyleConfigBuilder,
  GraphThresholdsStyleMode,
  StackingConfigBuilder,
  StackingMode,
} from '@grafana/grafana-foundation-sdk/common';
import { PanelBuilder, ThresholdsConfigBuilder, ThresholdsMode } from '@grafana/grafana-foundation-sdk/dashboard';
import type { DashboardLink, DataTransformerConfig, DynamicConfigValue } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as LogsPanel } from '@grafana/grafana-foundation-sdk/logs';
import { PanelBuilder as NodeGraphPanel } from '@grafana/grafana-foundation-sdk/nodegraph';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as StateTimelinePanel } from '@grafana/grafana-foundation-sdk/statetimeline';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TextPanel, TextMode } from '@grafana/grafana-foundation-sdk/text';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { ALERTMANAGER_NAME, alertmanager, loki, prometheus, tempo } from './datasources.ts';
import { lettered } from './queries.ts';
import type { Query } from './queries.ts';

export interface Text {
  title: string;
  // Says what the panel answers for someone on call, shown behind the (i) icon.
  description: string;
}

export type Step = readonly [value: number | null, color: string];

function thresholds(steps: readonly Step[]): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder()
    .mode(ThresholdsMode.Absolute)
    .steps(steps.map(([value, color]) => ({ value, color })));
}

// Green below the first threshold, then amber, then red.
export function warnAt(warn: number, critical: number): Step[] {
  return [
    [null, 'green'],
    [warn, 'orange'],
    [critical, 'red'],
  ];
}

// The part every query-driven panel shares: what it is called, why it is
// there, where its data comes from and the queries, with stable refIds.
interface QueryPanel<P> {
  title(title: string): P;
  description(description: string): P;
  datasource(datasource: DataSourceRef): P;
  targets(targets: Query[]): P;
}

function withQueries<P extends QueryPanel<P>>(panel: P, text: Text, datasource: DataSourceRef, queries: readonly Query[]): P {
  return panel.title(text.title).description(text.description).datasource(datasource).targets(lettered(queries));
}

export function timeseries(text: Text, unit: string, queries: readonly Query[], datasource: DataSourceRef = prometheus): TimeseriesPanel {
  return withQueries(new TimeseriesPanel(), text, datasource, queries)
    .unit(unit)
    .min(0)
    .fillOpacity(10)
    .legend(
      new VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(LegendDisplayMode.Table)
        .placement(LegendPlacement.Bottom)
        .calcs(['mean', 'max', 'lastNotNull'])
        .sortBy('Max')
        .sortDesc(true),
    )
    .tooltip(new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending));
}

// Counts per interval read better as stacked bars than as lines.
export function asStackedBars(panel: TimeseriesPanel): TimeseriesPanel {
  return panel.drawStyle(GraphDrawStyle.Bars).fillOpacity(80).stacking(new StackingConfigBuilder().mode(StackingMode.Normal));
}

// Draws the thresholds as dashed lines, e.g. the burn rates at which alerts fire.
export function withThresholdLines(panel: TimeseriesPanel, steps: readonly Step[]): TimeseriesPanel {
  return panel.thresholds(thresholds(steps)).thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed));
}

export function note(title: string, markdown: string): TextPanel {
  return new TextPanel().title(title).mode(TextMode.Markdown).content(markdown);
}

export function stat(text: Text, unit: string, query: Query, steps: readonly Step[] = [[null, 'green']]): StatPanel {
  return withQueries(new StatPanel(), text, prometheus, [query])
    .unit(unit)
    .thresholds(thresholds(steps))
    .colorMode(BigValueColorMode.Background)
    .graphMode(BigValueGraphMode.Area)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
}

export interface Column {
  // The instant query; its value becomes one column, joined on the labels.
  query: Query;
  header: string;
  unit: string;
  steps?: readonly Step[];
}

// One row per label set (service, route…) with one column per instant query.
export function table(text: Text, columns: readonly Column[], hidden: readonly string[] = []): TablePanel {
  const valueField = (i: number): string => `Value #${String.fromCharCode(65 + i)}`;
  const renameByName = Object.fromEntries(columns.map((c, i) => [valueField(i), c.header]));
  const excludeByName = Object.fromEntries(['Time', '__name__', ...hidden].map((name) => [name, true]));
  const merge: DataTransformerConfig = { id: 'merge', options: {} };
  const organize: DataTransformerConfig = { id: 'organize', options: { excludeByName, renameByName } };
  let panel = withQueries(new TablePanel(), text, prometheus, columns.map((c) => c.query))
    .transformations([merge, organize])
    .sortBy([new TableSortByFieldStateBuilder().displayName(columns[0]?.header ?? '').desc(true)]);
  columns.forEach((column) => {
    const properties: DynamicConfigValue[] = [{ id: 'unit', value: column.unit }];
    if (column.steps) {
      properties.push({ id: 'thresholds', value: thresholds(column.steps).build() });
      properties.push({ id: 'custom.cellOptions', value: { type: 'color-background' } });
    }
    panel = panel.overrideByName(column.header, properties);
  });
  return panel;
}

// Makes a table column a link, e.g. from a service name to that service's dashboard.
export function linkColumn(panel: TablePanel, column: string, link: DashboardLink): TablePanel {
  return panel.overrideByName(column, [{ id: 'links', value: [{ title: link.title, url: link.url }] }]);
}

export function logs(text: Text, queries: readonly Query[]): LogsPanel {
  return withQueries(new LogsPanel(), text, loki, queries)
    .showTime(true)
    .wrapLogMessage(true)
    .enableLogDetails(true)
    .prettifyLogMessage(false)
    .sortOrder(LogsSortOrder.Descending);
}

export function traceTable(text: Text, query: Query): TablePanel {
  return withQueries(new TablePanel(), text, tempo, [query]);
}

// The trace view itself (waterfall); the SDK has no dedicated builder for it.
export function traceView(text: Text, query: Query): PanelBuilder {
  return withQueries(new PanelBuilder().type('traces'), text, tempo, [query]);
}

export function nodeGraph(text: Text, query: Query): NodeGraphPanel {
  return withQueries(new NodeGraphPanel(), text, tempo, [query]);
}

export function stateTimeline(text: Text, queries: readonly Query[]): StateTimelinePanel {
  return withQueries(new StateTimelinePanel(), text, prometheus, queries)
    .mergeValues(true)
    .showValue(VisibilityMode.Never);
}

// Alerts as Alertmanager holds them now: grouped, with silences and receivers.
export function alertGroups(text: Text): PanelBuilder {
  return new PanelBuilder()
    .type('alertGroups')
    .title(text.title)
    .description(text.description)
    .datasource(alertmanager)
    .options({ alertmanager: ALERTMANAGER_NAME, expandAll: true, labels: '' });
}

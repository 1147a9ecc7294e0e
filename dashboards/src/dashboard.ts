// The frame every Threadline dashboard shares: tags, time, refresh, navigation.
import type { Builder } from '@grafana/grafana-foundation-sdk/cog';
import { DashboardBuilder, DashboardCursorSync } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Dashboard, VariableModel } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Grid } from './layout.ts';
import { DASHBOARDS, TAG, allDashboardsLink, dashboardLink } from './links.ts';
import type { DashboardKey } from './links.ts';

export interface Spec {
  key: DashboardKey;
  description: string;
  variables: readonly Builder<VariableModel>[];
  grid: Grid;
  // Dashboards one click away, in the order an investigation usually goes.
  next: readonly DashboardKey[];
  time?: string;
}

export function threadlineDashboard(spec: Spec): Dashboard {
  const { uid, title } = DASHBOARDS[spec.key];
  const dashboard = new DashboardBuilder(title)
    .uid(uid)
    .description(spec.description)
    .tags([TAG])
    .timezone('browser')
    .time({ from: spec.time ?? 'now-1h', to: 'now' })
    .refresh('30s')
    .tooltip(DashboardCursorSync.Crosshair)
    .variables([...spec.variables])
    .links([allDashboardsLink(), ...spec.next.map(dashboardLink)]);
  return spec.grid.applyTo(dashboard).build();
}

// Dashboard identities and the links between them. UIDs are referenced by the
// alert rules' dashboard links, so they never change.
import { DashboardLinkBuilder, DashboardLinkType } from '@grafana/grafana-foundation-sdk/dashboard';
import type { DashboardLink } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Builder } from '@grafana/grafana-foundation-sdk/cog';

export const TAG = 'threadline';

export const DASHBOARDS = {
  overview: { uid: 'threadline-services-overview', title: 'Threadline / Services overview' },
  detail: { uid: 'threadline-service-detail', title: 'Threadline / Service detail' },
  runtime: { uid: 'threadline-nodejs-runtime', title: 'Threadline / Node.js runtime' },
  explorer: { uid: 'threadline-request-explorer', title: 'Threadline / Request explorer' },
  map: { uid: 'threadline-service-map', title: 'Threadline / Service map' },
  slo: { uid: 'threadline-slo-alerts', title: 'Threadline / SLOs and alerts' },
  health: { uid: 'threadline-telemetry-health', title: 'Threadline / Telemetry health' },
} as const;

export type DashboardKey = keyof typeof DASHBOARDS;

// Every Threadline dashboard in one menu, carrying the service and time range along.
export function allDashboardsLink(): Builder<DashboardLink> {
  return inTopBar(
    new DashboardLinkBuilder('Threadline')
      .type(DashboardLinkType.Dashboards)
      .tags([TAG])
      .asDropdown(true)
      .includeVars(true)
      .keepTime(true),
  );
}

// A button to the next dashboard an on-call engineer usually goes to from here.
export function dashboardLink(key: DashboardKey): Builder<DashboardLink> {
  const { uid, title } = DASHBOARDS[key];
  return inTopBar(
    new DashboardLinkBuilder(title.replace('Threadline / ', ''))
      .type(DashboardLinkType.Link)
      .url(`/d/${uid}`)
      .icon('dashboard')
      .includeVars(true)
      .keepTime(true),
  );
}

// The SDK defaults links into the controls menu, out of sight; without a
// placement Grafana shows them as buttons beside the variables.
function inTopBar(link: DashboardLinkBuilder): Builder<DashboardLink> {
  return {
    build: () => {
      const { placement: _placement, ...visible } = link.build();
      return visible;
    },
  };
}

// A data link from a table cell or series to another dashboard, with the clicked
// service (or other field) as that dashboard's variable.
export function drillDown(key: DashboardKey, variable: string, field: string): DashboardLink {
  const { uid, title } = DASHBOARDS[key];
  return new DashboardLinkBuilder(`Open ${title.replace('Threadline / ', '')}`)
    .url(`/d/${uid}?var-${variable}=\${__data.fields.${field}}&\${__url_time_range}&\${datasource:queryparam}`)
    .build();
}

// Every dashboard, keyed by the file name it is generated to.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { nodejsRuntime } from './dashboards/nodejs-runtime.ts';
import { requestExplorer } from './dashboards/request-explorer.ts';
import { serviceDetail } from './dashboards/service-detail.ts';
import { serviceMapDashboard } from './dashboards/service-map.ts';
import { servicesOverview } from './dashboards/services-overview.ts';
import { sloAlerts } from './dashboards/slo-alerts.ts';
import { telemetryHealth } from './dashboards/telemetry-health.ts';

export const dashboards: ReadonlyArray<readonly [file: string, build: () => Dashboard]> = [
  ['services-overview.json', servicesOverview],
  ['service-detail.json', serviceDetail],
  ['nodejs-runtime.json', nodejsRuntime],
  ['request-explorer.json', requestExplorer],
  ['service-map.json', serviceMapDashboard],
  ['slo-alerts.json', sloAlerts],
  ['telemetry-health.json', telemetryHealth],
];

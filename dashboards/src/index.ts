// Every dashboard, keyed by the file name it is generated to.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { servicesOverview } from './dashboards/services-overview.ts';

export const dashboards: ReadonlyArray<readonly [file: string, build: () => Dashboard]> = [
  ['services-overview.json', servicesOverview],
];

// Datasource references. The UIDs are fixed by the stack's Grafana provisioning
// (docs/contract.md), so dashboards can point at them without a lookup.
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';
import { DatasourceVariableBuilder } from '@grafana/grafana-foundation-sdk/dashboard';

export const DATASOURCE_UIDS = ['prometheus', 'loki', 'tempo', 'alertmanager'] as const;

// The alert groups panel names its Alertmanager by datasource name, not UID,
// so this must match the name provisioned for the `alertmanager` UID.
export const ALERTMANAGER_NAME = 'Alertmanager';

// Prometheus panels go through the `datasource` variable so a second Prometheus
// (say, a long-term store) can be picked without editing; it defaults to the stack's own.
export const PROMETHEUS_VARIABLE = 'datasource';

export const prometheus: DataSourceRef = { type: 'prometheus', uid: `\${${PROMETHEUS_VARIABLE}}` };
export const loki: DataSourceRef = { type: 'loki', uid: 'loki' };
export const tempo: DataSourceRef = { type: 'tempo', uid: 'tempo' };
export const alertmanager: DataSourceRef = { type: 'alertmanager', uid: 'alertmanager' };

export function prometheusVariable(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder(PROMETHEUS_VARIABLE)
    .label('Prometheus')
    .type('prometheus')
    .current({ selected: true, text: 'Prometheus', value: 'prometheus' });
}

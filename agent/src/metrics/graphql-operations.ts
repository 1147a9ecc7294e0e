// graphql_server_operation_duration_seconds: GraphQL operations by type, name and outcome.
// Operation names come from clients, so they are bounded like hosts and queues: the first 50
// distinct, then `other`. The histogram is registered at the first operation, so a service
// without GraphQL shows no empty metric.
import type { GraphqlOperationRecord } from '../graphql/operations.ts';
import { exemplarOf, MAX_LABEL_VALUES, type AgentMetrics } from './agent-metrics.ts';
import { BoundedLabel } from './bounded-label.ts';
import { TracedHistogram } from './traced-histogram.ts';

type Label = 'graphql_operation_type' | 'graphql_operation_name' | 'outcome';

export const ANONYMOUS_OPERATION = '(anonymous)';

export function graphqlOperationRecorder(metrics: AgentMetrics): (record: GraphqlOperationRecord) => void {
  let histogram: TracedHistogram<Label> | undefined;
  const names = new BoundedLabel(MAX_LABEL_VALUES);
  return (record) => {
    histogram ??= new TracedHistogram(
      metrics.histogram({
        name: 'graphql_server_operation_duration_seconds',
        help: 'Duration of GraphQL operations, from the start of execution to its result.',
        labelNames: ['graphql_operation_type', 'graphql_operation_name', 'outcome'],
      }),
    );
    const labels = {
      graphql_operation_type: record.type,
      graphql_operation_name: names.value(record.name ?? ANONYMOUS_OPERATION),
      outcome: record.outcome,
    };
    histogram.observe(labels, record.durationSeconds, exemplarOf(record.context));
  };
}

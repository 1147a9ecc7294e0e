// What the Loki push says about where its lines come from. Loki indexes stream labels and keeps
// one stream per distinct set, so labels are the few values that outlive any pod: the service,
// its environment and, in Kubernetes, its namespace. The pod and the node change at every
// rollout and reschedule; as labels they would start a new set of streams each time, the
// high-cardinality case Loki's label guidance warns against. They travel as structured metadata
// instead, stored beside each line, filterable (`| k8s_pod_name="…"`) but not indexed. The names
// are the OpenTelemetry attributes' with dots as underscores, as Loki's OTLP ingestion writes them.
import type { Settings } from '../../config/settings.ts';

export interface LokiResource {
  readonly labels: Readonly<Record<string, string>>;
  readonly metadata: Readonly<Record<string, string>>;
}

export function lokiResource(settings: Pick<Settings, 'serviceName' | 'environment' | 'kubernetes'>): LokiResource {
  const { namespace, pod, node } = settings.kubernetes;
  return {
    labels: { service_name: settings.serviceName, deployment_environment: settings.environment, ...present({ k8s_namespace_name: namespace }) },
    metadata: present({ k8s_pod_name: pod, k8s_node_name: node }),
  };
}

/** The pairs that have a value: an attribute the environment does not set is left out, not empty. */
function present(pairs: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(pairs)) if (value !== undefined) result[name] = value;
  return result;
}

// Environment → validated settings. Every bad value produces one stderr line that names the
// variable, the value and what is accepted; the setting then falls back to its default, so a
// typo never takes the host app down.
import { safeDecode } from '../shared/decode.ts';
import { notice } from './notice.ts';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type OtlpProtocol = 'http/protobuf' | 'http/json';
export type SamplerName =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio';

export interface Settings {
  readonly disabled: boolean;
  readonly serviceName: string;
  readonly serviceVersion: string | undefined;
  readonly environment: string;
  /** Where the pod runs, when OTEL_RESOURCE_ATTRIBUTES says (the downward API fills them in). */
  readonly kubernetes: KubernetesPlace;
  readonly tracesEnabled: boolean;
  /** Where spans go; undefined when no endpoint is configured (spans are then dropped). */
  readonly tracesEndpoint: string | undefined;
  readonly otlpProtocol: OtlpProtocol;
  readonly otlpHeaders: Readonly<Record<string, string>>;
  readonly otlpTimeoutMs: number;
  readonly batch: BatchSettings;
  readonly sampler: SamplerName;
  readonly samplerRatio: number;
  readonly lokiUrl: string | undefined;
  readonly lokiMaxBuffer: number;
  readonly metricsPort: number;
  readonly metricsHost: string;
  readonly correlationHeader: string;
  readonly logLevel: LogLevel;
  readonly logRedact: readonly string[];
  readonly shutdownTimeoutMs: number;
  readonly expressLayerSpans: boolean;
  /** A span per resolved GraphQL field, on top of the operation's span. */
  readonly graphqlFieldSpans: boolean;
  readonly pretty: boolean;
}

/** The OpenTelemetry resource attributes k8s.namespace.name, k8s.pod.name and k8s.node.name. */
export interface KubernetesPlace {
  readonly namespace: string | undefined;
  readonly pod: string | undefined;
  readonly node: string | undefined;
}

/** The batch span processor's bounds (OpenTelemetry's OTEL_BSP_* variables). */
export interface BatchSettings {
  readonly scheduleDelayMs: number;
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
}

export type Env = Readonly<Record<string, string | undefined>>;
export type Warn = (line: string) => void;

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const SAMPLERS: readonly SamplerName[] = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];
const PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json'];
// RFC 9110 token: what Node accepts as a header name.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;

export const DEFAULT_LOKI_MAX_BUFFER = 10_000;
export const DEFAULT_METRICS_PORT = 9464;
export const DEFAULT_METRICS_HOST = '0.0.0.0';
export const DEFAULT_CORRELATION_HEADER = 'x-correlation-id';
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5000;

export function readSettings(env: Env, warn: Warn, isTTY = false): Settings {
  const reader = new EnvReader(env, warn);
  const environment =
    reader.resourceAttribute('deployment.environment.name') ??
    reader.resourceAttribute('deployment.environment') ??
    env.NODE_ENV ??
    'development';
  const otelDisabled = reader.boolean('OTEL_SDK_DISABLED', false);
  const exporterNone = (env.OTEL_TRACES_EXPORTER ?? '').trim().toLowerCase() === 'none';
  return {
    disabled: reader.boolean('THREADLINE_DISABLED', false),
    serviceName: nonEmpty(env.OTEL_SERVICE_NAME) ?? reader.resourceAttribute('service.name') ?? defaultServiceName(env),
    serviceVersion: reader.resourceAttribute('service.version') ?? nonEmpty(env.npm_package_version),
    environment,
    kubernetes: {
      namespace: reader.resourceAttribute('k8s.namespace.name'),
      pod: reader.resourceAttribute('k8s.pod.name'),
      node: reader.resourceAttribute('k8s.node.name'),
    },
    tracesEnabled: !otelDisabled && !exporterNone,
    tracesEndpoint: tracesEndpoint(reader),
    otlpProtocol: reader.oneOf('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', PROTOCOLS, undefined) ??
      reader.oneOf('OTEL_EXPORTER_OTLP_PROTOCOL', PROTOCOLS, 'http/protobuf'),
    otlpHeaders: reader.keyValueList('OTEL_EXPORTER_OTLP_TRACES_HEADERS') ?? reader.keyValueList('OTEL_EXPORTER_OTLP_HEADERS') ?? {},
    otlpTimeoutMs: reader.integer('OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', undefined, 1, 600_000) ??
      reader.integer('OTEL_EXPORTER_OTLP_TIMEOUT', 10_000, 1, 600_000),
    batch: batchSettings(reader, warn),
    sampler: reader.oneOf('OTEL_TRACES_SAMPLER', SAMPLERS, 'parentbased_always_on'),
    samplerRatio: reader.ratio('OTEL_TRACES_SAMPLER_ARG', 1),
    lokiUrl: reader.url('THREADLINE_LOKI_URL'),
    lokiMaxBuffer: reader.integer('THREADLINE_LOKI_MAX_BUFFER', DEFAULT_LOKI_MAX_BUFFER, 1, 10_000_000),
    metricsPort: reader.integer('THREADLINE_METRICS_PORT', DEFAULT_METRICS_PORT, 0, 65_535),
    metricsHost: nonEmpty(env.THREADLINE_METRICS_HOST) ?? DEFAULT_METRICS_HOST,
    correlationHeader: reader.headerName('THREADLINE_CORRELATION_HEADER', DEFAULT_CORRELATION_HEADER),
    logLevel: reader.oneOf('THREADLINE_LOG_LEVEL', LOG_LEVELS, 'info'),
    logRedact: reader.list('THREADLINE_LOG_REDACT'),
    shutdownTimeoutMs: reader.integer('THREADLINE_SHUTDOWN_TIMEOUT_MS', DEFAULT_SHUTDOWN_TIMEOUT_MS, 0, 600_000),
    expressLayerSpans: reader.boolean('THREADLINE_EXPRESS_LAYER_SPANS', false),
    graphqlFieldSpans: reader.boolean('THREADLINE_GRAPHQL_FIELD_SPANS', false),
    pretty: isTTY && environment !== 'production' && env.NODE_ENV !== 'production',
  };
}

export const DEFAULT_BATCH: BatchSettings = { scheduleDelayMs: 1000, maxQueueSize: 2048, maxExportBatchSize: 512 };

function batchSettings(reader: EnvReader, warn: Warn): BatchSettings {
  const maxQueueSize = reader.integer('OTEL_BSP_MAX_QUEUE_SIZE', DEFAULT_BATCH.maxQueueSize, 1, 1_000_000);
  let maxExportBatchSize = reader.integer('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', Math.min(DEFAULT_BATCH.maxExportBatchSize, maxQueueSize), 1, 1_000_000);
  if (maxExportBatchSize > maxQueueSize) {
    warn(notice(`OTEL_BSP_MAX_EXPORT_BATCH_SIZE=${maxExportBatchSize} exceeds OTEL_BSP_MAX_QUEUE_SIZE=${maxQueueSize}; using ${maxQueueSize}`));
    maxExportBatchSize = maxQueueSize;
  }
  return {
    scheduleDelayMs: reader.integer('OTEL_BSP_SCHEDULE_DELAY', DEFAULT_BATCH.scheduleDelayMs, 1, 600_000),
    maxQueueSize,
    maxExportBatchSize,
  };
}

function tracesEndpoint(reader: EnvReader): string | undefined {
  const signal = reader.url('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  if (signal !== undefined) return signal;
  const base = reader.url('OTEL_EXPORTER_OTLP_ENDPOINT');
  return base === undefined ? undefined : `${base.replace(/\/+$/, '')}/v1/traces`;
}

function defaultServiceName(env: Env): string {
  return nonEmpty(env.npm_package_name) ?? 'unknown_service:node';
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** Reads one variable at a time and reports what it could not accept. */
class EnvReader {
  readonly #env: Env;
  readonly #warn: Warn;
  #resourceAttributes: Map<string, string> | undefined;

  constructor(env: Env, warn: Warn) {
    this.#env = env;
    this.#warn = warn;
  }

  #raw(name: string): string | undefined {
    return nonEmpty(this.#env[name]);
  }

  #reject(name: string, value: string, accepted: string, fallback: unknown): void {
    const shown = JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
    const using = fallback === undefined ? 'ignoring it' : `using ${JSON.stringify(fallback)}`;
    this.#warn(notice(`invalid ${name}=${shown}: expected ${accepted}; ${using}`));
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.#raw(name);
    if (value === undefined) return fallback;
    const lower = value.toLowerCase();
    if (lower === 'true' || lower === '1') return true;
    if (lower === 'false' || lower === '0') return false;
    this.#reject(name, value, 'true or false', fallback);
    return fallback;
  }

  oneOf<T extends string, F extends T | undefined>(name: string, accepted: readonly T[], fallback: F): T | F {
    const value = this.#raw(name);
    if (value === undefined) return fallback;
    const lower = value.toLowerCase();
    const match = accepted.find((candidate) => candidate === lower);
    if (match !== undefined) return match;
    this.#reject(name, value, `one of ${accepted.join(', ')}`, fallback);
    return fallback;
  }

  integer<F extends number | undefined>(name: string, fallback: F, min: number, max: number): number | F {
    const value = this.#raw(name);
    if (value === undefined) return fallback;
    if (/^\d+$/.test(value)) {
      const parsed = Number(value);
      if (parsed >= min && parsed <= max) return parsed;
    }
    this.#reject(name, value, `a whole number from ${min} to ${max}`, fallback);
    return fallback;
  }

  ratio(name: string, fallback: number): number {
    const value = this.#raw(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (Number.isFinite(parsed) && parsed >= 0 && parsed <= 1) return parsed;
    this.#reject(name, value, 'a number from 0 to 1', fallback);
    return fallback;
  }

  url(name: string): string | undefined {
    const value = this.#raw(name);
    if (value === undefined) return undefined;
    try {
      const parsed = new URL(value);
      if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return value;
    } catch {
      // reported below
    }
    this.#reject(name, value, 'an http:// or https:// URL', undefined);
    return undefined;
  }

  headerName(name: string, fallback: string): string {
    const value = this.#raw(name);
    if (value === undefined) return fallback;
    if (HEADER_NAME.test(value)) return value.toLowerCase();
    this.#reject(name, value, 'an HTTP header name (letters, digits and !#$%&\'*+.^_`|~-, at most 64)', fallback);
    return fallback;
  }

  list(name: string): string[] {
    const value = this.#raw(name);
    if (value === undefined) return [];
    return value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
  }

  /** W3C-style `key=value,key2=value2` (OTEL_EXPORTER_OTLP_HEADERS, OTEL_RESOURCE_ATTRIBUTES). */
  keyValueList(name: string): Record<string, string> | undefined {
    const value = this.#raw(name);
    if (value === undefined) return undefined;
    const result: Record<string, string> = {};
    for (const pair of value.split(',')) {
      const index = pair.indexOf('=');
      const key = pair.slice(0, index).trim();
      if (index <= 0 || key.length === 0) {
        this.#reject(name, value, 'comma-separated key=value pairs', undefined);
        return undefined;
      }
      result[key] = safeDecode(pair.slice(index + 1).trim());
    }
    return result;
  }

  resourceAttribute(key: string): string | undefined {
    this.#resourceAttributes ??= new Map(Object.entries(this.keyValueList('OTEL_RESOURCE_ATTRIBUTES') ?? {}));
    return nonEmpty(this.#resourceAttributes.get(key));
  }
}

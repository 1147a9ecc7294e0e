// Wires the features together once per process. Each feature is optional at run time; a
// failure in one is reported on stderr and the app carries on without it.
import { join } from 'node:path';
import { propagation } from '@opentelemetry/api';
import pino, { type Logger } from 'pino';
import { notice } from './config/notice.ts';
import { readSettings, type Settings } from './config/settings.ts';
import { installContextManager } from './context/correlation.ts';
import { installEsmHooks, isEsmEntry } from './instrumentations/esm-hooks.ts';
import { observeHttpClients } from './http/client.ts';
import { instrumentHttpServers } from './http/server.ts';
import { instrument } from './instrumentations/libraries.ts';
import { traceGraphqlOperations } from './graphql/operations.ts';
import { graphqlOperationRecorder } from './metrics/graphql-operations.ts';
import { createLogPipeline, levelLabel, type LogPipeline } from './logs/pipeline.ts';
import { LokiShipper } from './logs/loki/shipper.ts';
import { COUNTER_DELIVERED, COUNTER_DROPPED, COUNTER_ERRORS, COUNTER_SLOTS } from './logs/loki/protocol.ts';
import { lokiResource } from './logs/loki/resource.ts';
import { AgentMetrics } from './metrics/agent-metrics.ts';
import { startMetricsServer } from './metrics/server.ts';
import { createRpcMetrics } from './metrics/rpc-metrics.ts';
import { createPropagator } from './context/propagation.ts';
import { installLifecycle } from './lifecycle/shutdown.ts';
import { withDeadline } from './shared/deadline.ts';
import { startTracing, type Tracing } from './traces/provider.ts';

// The public API's context functions come through here: the build bundles this module with
// everything it imports (scripts/bundle.ts), and index.js must load that one copy, not its own.
export { correlationId, withCorrelationId } from './context/correlation.ts';

export interface Agent {
  readonly settings: Settings;
  readonly logger: Logger;
  readonly metrics: AgentMetrics;
  /** Flushes spans and logs; resolves within the shutdown timeout. */
  shutdown(): Promise<void>;
}

const GLOBAL_KEY = Symbol.for('threadline.agent');
type AgentHolder = typeof globalThis & { [GLOBAL_KEY]?: Agent };

const stderr = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** The process's agent, started on first use (by the preload, or by importing the API). */
export function agent(): Agent {
  const holder = globalThis as AgentHolder;
  holder[GLOBAL_KEY] ??= startSafely(readSettings(process.env, stderr, process.stdout.isTTY === true));
  return holder[GLOBAL_KEY];
}

function startSafely(settings: Settings): Agent {
  try {
    return start(settings);
  } catch (error) {
    stderr(notice(`agent failed to start and is off: ${error instanceof Error ? error.message : String(error)}`));
    return inert(settings);
  }
}

function start(settings: Settings): Agent {
  if (settings.disabled) return inert(settings);
  installContextManager();
  const metrics = new AgentMetrics(settings.serviceName);
  propagation.setGlobalPropagator(
    createPropagator(settings.correlationHeader, () => metrics.invalidCorrelationIds.inc()),
  );
  const logs = startLogs(settings, metrics);
  const logger = logs.logger;
  const tracing = guard('tracing', () => startTraces(settings, metrics));
  guard('instrumentation', () => {
    const recordRpc = createRpcMetrics(metrics);
    const esm = isEsmEntry(process.argv[1]);
    instrument({
      onMessage: metrics.recordMessage,
      onHttp2Request: metrics.recordClientRequest,
      onRpcCall: (call) => {
        recordRpc(call);
        logs.rpcAccessLog(call);
      },
      expressLayerSpans: settings.expressLayerSpans,
      eager: esm,
      onError: (library, error) =>
        stderr(notice(`instrumentation for ${library} could not start and is off: ${error instanceof Error ? error.message : String(error)}`)),
    });
    if (esm) installEsmHooks();
    traceGraphqlOperations({ fieldSpans: settings.graphqlFieldSpans, onOperation: graphqlOperationRecorder(metrics) });
  });
  instrumentHttpServers({
    correlationHeader: settings.correlationHeader,
    onInvalidCorrelationId: () => metrics.invalidCorrelationIds.inc(),
    listeners: [metrics.recordServerRequest, logs.accessLog],
    expressLayerSpans: settings.expressLayerSpans,
  });
  observeHttpClients(metrics.recordClientRequest);
  if (settings.metricsPort !== 0) {
    startMetricsServer(metrics, settings.metricsPort, settings.metricsHost, (error) =>
      stderr(notice(`metrics endpoint on ${settings.metricsHost}:${settings.metricsPort} failed: ${error.message}`)),
    );
  }
  const flush = async (final: boolean): Promise<void> => {
    await Promise.all([tracing?.forceFlush().catch(() => undefined), final ? logs.close() : logs.flush()]);
  };
  installLifecycle({ timeoutMs: settings.shutdownTimeoutMs, logger, flush, flushSync: logs.flushSync });
  return {
    settings,
    logger,
    metrics,
    shutdown: () => withDeadline(flush(true).then(() => tracing?.shutdown()), settings.shutdownTimeoutMs),
  };
}

function startTraces(settings: Settings, metrics: AgentMetrics): Tracing | undefined {
  if (!settings.tracesEnabled) return undefined;
  if (settings.tracesEndpoint === undefined) {
    stderr(notice('no OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT set: spans are not recorded'));
    return undefined;
  }
  const warnEvery = rateLimited(60_000);
  return startTracing(settings, settings.tracesEndpoint, {
    onSpansDropped: (count) => metrics.spansDropped.inc(count),
    onExportError: (error) => {
      metrics.exportErrors.inc({ signal: 'traces' });
      warnEvery(() => stderr(notice(`trace export to ${settings.tracesEndpoint} failed: ${error?.message ?? 'unknown error'}`)));
    },
  });
}

function startLogs(settings: Settings, metrics: AgentMetrics): LogPipeline {
  const onStdoutDrop = (): void => {
    metrics.logsDropped.inc();
  };
  if (settings.lokiUrl === undefined) return createLogPipeline(settings, undefined, onStdoutDrop);
  const shared = new SharedArrayBuffer(COUNTER_SLOTS * BigInt64Array.BYTES_PER_ELEMENT);
  const counters = new BigInt64Array(shared);
  const shipper = new LokiShipper(
    {
      // From here, the bundle's entry: dist/agent.js sits next to dist/logs/.
      workerFile: join(__dirname, 'logs', 'loki', 'worker.js'),
      url: settings.lokiUrl,
      ...lokiResource(settings),
      maxLines: settings.lokiMaxBuffer,
      counters: shared,
    },
    (count) => Atomics.add(counters, COUNTER_DROPPED, BigInt(count)),
    (error) => stderr(notice(`Loki shipping stopped: ${error.message}; log lines for Loki are now dropped and counted`)),
  );
  const pipeline = createLogPipeline(settings, shipper, onStdoutDrop);
  metrics.mirror(metrics.logsDropped, () => Number(Atomics.load(counters, COUNTER_DROPPED)));
  metrics.mirror(metrics.exportErrors, () => Number(Atomics.load(counters, COUNTER_ERRORS)), { signal: 'logs' });
  metrics.gauge({
    name: 'threadline_logs_delivered',
    help: 'Log lines Loki has accepted since start.',
    collect() {
      this.set(Number(Atomics.load(counters, COUNTER_DELIVERED)));
    },
  });
  return pipeline;
}

function guard<T>(feature: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    stderr(notice(`${feature} could not start and is off: ${error instanceof Error ? error.message : String(error)}`));
    return undefined;
  }
}

function rateLimited(intervalMs: number): (fn: () => void) => void {
  let last = -Infinity;
  return (fn) => {
    const now = Date.now();
    if (now - last < intervalMs) return;
    last = now;
    fn();
  };
}

/** THREADLINE_DISABLED: a plain JSON logger and an unserved registry, so the API still works. */
function inert(settings: Settings): Agent {
  return {
    settings,
    logger: pino({
      level: settings.logLevel,
      base: { service: settings.serviceName },
      formatters: { level: levelLabel },
    }),
    metrics: new AgentMetrics(settings.serviceName, { runtime: false }),
    shutdown: () => Promise.resolve(),
  };
}

// A fixture app with the agent preloaded and pointed at a stand-in collector and a stand-in Loki:
// what the tests that follow a request into its spans and shipped log lines start from.
import { startApp, type AppProcess } from './app-process.ts';
import { startLokiReceiver, startOtlpReceiver, type LokiEntry, type ReceivedSpan, type Receiver } from './receivers.ts';

export interface TracedApp {
  readonly app: AppProcess;
  readonly otlp: Receiver<ReceivedSpan>;
  readonly loki: Receiver<LokiEntry>;
  stop(): Promise<void>;
}

/** `env` is added to the endpoints' variables (OTEL_EXPORTER_OTLP_ENDPOINT, THREADLINE_LOKI_URL). */
export async function startTracedApp(fixture: string, env: Readonly<Record<string, string>>): Promise<TracedApp> {
  const otlp = await startOtlpReceiver();
  const loki = await startLokiReceiver();
  const app = await startApp(fixture, { env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, THREADLINE_LOKI_URL: loki.url, ...env } });
  return {
    app,
    otlp,
    loki,
    stop: async () => {
      await app.stop();
      await otlp.close();
      await loki.close();
    },
  };
}

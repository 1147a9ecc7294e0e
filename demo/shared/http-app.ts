// The Express skeleton every service shares: JSON bodies, /healthz, the fault switches, and one
// error handler that turns thrown HttpErrors into JSON answers. The agent does the rest.
import type { Server } from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { logger } from '@threadline/agent';
import { Faults, parseFaultSettings, type FaultSettings } from './faults.ts';
import { HttpError } from './http-errors.ts';
import { applyRuntimeFaults } from './runtime-faults.ts';

export interface ServiceApp {
  readonly app: Express;
  readonly faults: Faults;
}

/**
 * `health` throws when a dependency the service needs is gone, so /healthz (and so compose's
 * healthcheck) sees it. Routes added after this call are subject to the fault switches; /healthz
 * and /admin are not, so a service with an injected outage can still be switched back.
 */
export function createServiceApp(health: () => Promise<void>, jsonLimit = '100kb'): ServiceApp {
  const app = express();
  const faults = new Faults();
  applyRuntimeFaults(faults);
  app.disable('x-powered-by');
  app.use(express.json({ limit: jsonLimit }));

  app.get('/healthz', async (_req, res) => {
    try {
      await health();
      res.json({ status: 'ok' });
    } catch (error) {
      res.status(503).json({ status: 'unhealthy', error: error instanceof Error ? error.message : String(error) });
    }
  });
  app.get('/admin/faults', (_req, res) => {
    res.json(faults.settings);
  });
  app.put('/admin/faults', (req, res) => {
    res.json(changeFaults(faults, req.body));
  });
  app.use(async (req, _res, next) => {
    if (!req.path.startsWith('/admin/')) await faults.inject();
    next();
  });
  return { app, faults };
}

/** Validates and applies a PUT /admin/faults body; the log line marks when the story changed. */
export function changeFaults(faults: Faults, body: unknown): FaultSettings {
  faults.set(parseFaultSettings(body));
  logger.warn({ faults: faults.settings }, 'fault settings changed');
  return faults.settings;
}

/** Adds the 404 and error handlers; call after the service's own routes. */
export function finishApp(app: Express): void {
  app.use((req, res) => {
    res.status(404).json({ error: `no route for ${req.method} ${req.path}` });
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = statusOf(error);
    const message = error instanceof Error ? error.message : String(error);
    if (status >= 500) logger.error({ err: error, http_response_status_code: status }, 'request failed');
    if (!res.headersSent) res.status(status).json({ error: message });
  });
}

function statusOf(error: unknown): number {
  if (error instanceof HttpError) return error.status;
  // body-parser's errors (bad JSON, too large) carry their 4xx status.
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) return status;
  return 500;
}

/** `host` undefined listens on every interface (containers); the local runner keeps to loopback. */
export async function listen(app: Express, port: number, host: string | undefined): Promise<Server> {
  const server = host === undefined ? app.listen(port) : app.listen(port, host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  logger.info({ port: typeof address === 'object' && address !== null ? address.port : port }, 'listening');
  return server;
}

/** Stops accepting connections and waits for in-flight requests (idle keep-alives are dropped). */
export async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await closed;
}

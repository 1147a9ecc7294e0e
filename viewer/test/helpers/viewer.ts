// A real viewer on a free loopback port with a fresh data directory, and ways to send it telemetry.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startViewer, type Viewer } from '../../src/viewer.ts';
import type { ViewerOptions } from '../../src/config/options.ts';

export interface TestViewer extends Viewer {
  readonly dataDir: string;
  post(path: string, body: Uint8Array | string, headers?: Record<string, string>): Promise<{ status: number; body: Buffer; headers: Headers }>;
  get<T = unknown>(path: string): Promise<T>;
  counts(): { spans: number; logs: number };
  /** Closes and deletes the data directory. */
  dispose(): Promise<void>;
}

export async function testViewer(options: Partial<ViewerOptions> = {}, dataDir = mkdtempSync(join(tmpdir(), 'threadline-viewer-test-'))): Promise<TestViewer> {
  const viewer = await startViewer({ port: 0, dataDir, ...options });
  return {
    ...viewer,
    dataDir,
    close: () => viewer.close(),
    async post(path, body, headers = {}) {
      const response = await fetch(`${viewer.url}${path}`, { method: 'POST', body, headers });
      return { status: response.status, body: Buffer.from(await response.arrayBuffer()), headers: response.headers };
    },
    async get(path) {
      const response = await fetch(`${viewer.url}${path}`);
      if (!response.ok) throw new Error(`GET ${path} → ${response.status} ${await response.text()}`);
      return (await response.json()) as never;
    },
    counts() {
      const count = (table: string): number => Number((viewer.store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n);
      return { spans: count('spans'), logs: viewer.store.logs.totals().lines };
    },
    async dispose() {
      await viewer.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

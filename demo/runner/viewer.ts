// The local viewer for `npm start`: started from viewer/dist with the shop's metrics ports to scrape;
// the services send it their traces and logs, Alertmanager its alerts.
import { join } from 'node:path';
import { startChild, type Child } from './child.ts';
import { demoDir, repoRoot } from './paths.ts';
import { buildIsCurrent, runWorkspaceBuild } from './build.ts';

export const VIEWER_PORT = 4318;

export interface RunningViewer {
  readonly url: string;
  readonly child: Child;
}

export async function startViewerProcess(metricsTargets: readonly string[], stderr: (chunk: string) => void): Promise<RunningViewer> {
  if (!buildIsCurrent('viewer/dist/cli.js', 'viewer/src')) runWorkspaceBuild('@threadline/viewer');
  const child = startChild({
    name: 'viewer',
    command: process.execPath,
    args: [join(repoRoot, 'viewer/dist/cli.js'), '--port', String(VIEWER_PORT), '--data', join(demoDir, '.viewer'), '--scrape', metricsTargets.join(','), '--scrape-interval', '2s'],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    stderr,
    // Ctrl-C reaches the services at once; the viewer is stopped after them, so that their last lines reach it.
    detached: true,
  });
  try {
    const line = await child.waitForLine((text) => text.includes('threadline-viewer: open '), 15_000);
    return { url: /open (http:\/\/\S+)/.exec(line)![1]!, child };
  } catch (error) {
    await child.stop(1000);
    throw new Error(`the viewer did not start: ${child.stderrTail() || (error as Error).message}`, { cause: error });
  }
}

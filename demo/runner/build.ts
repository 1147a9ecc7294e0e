// The services preload the agent from agent/dist, so the runner builds it first when its
// sources are newer than the build (or there is no build yet).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.ts';

function newestSource(dir: string): number {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  return Math.max(0, ...files.map((entry) => statSync(join(entry.parentPath, entry.name)).mtimeMs));
}

/** Whether `built` (relative to the repo) is newer than every file under `sources`. */
export function buildIsCurrent(built: string, sources: string): boolean {
  const file = join(repoRoot, built);
  return existsSync(file) && statSync(file).mtimeMs >= newestSource(join(repoRoot, sources));
}

export function agentBuildIsCurrent(): boolean {
  return buildIsCurrent('agent/dist/register.js', 'agent/src');
}

/** Builds one workspace; throws with npm's output when the build fails. */
export function runWorkspaceBuild(workspace: string): void {
  // Under `npm run`, npm_execpath is npm's own CLI; run it with this Node so PATH does not matter.
  const npmCli = process.env.npm_execpath;
  const [command, args] = npmCli ? [process.execPath, [npmCli]] : ['npm', []];
  const result = spawnSync(command, [...args, 'run', 'build', '-w', workspace], { cwd: repoRoot, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`building ${workspace} failed:\n${result.stdout}${result.stderr}${result.error?.message ?? ''}`);
}

export function buildAgent(): void {
  runWorkspaceBuild('@threadline/agent');
}

// The services preload the agent from agent/dist, so the runner builds it first when its
// sources are newer than the build (or there is no build yet).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.ts';

function newestSource(dir: string): number {
  return Math.max(0, ...readdirSync(dir).map((name) => statSync(join(dir, name)).mtimeMs));
}

export function agentBuildIsCurrent(): boolean {
  const built = join(repoRoot, 'agent/dist/register.js');
  return existsSync(built) && statSync(built).mtimeMs >= newestSource(join(repoRoot, 'agent/src'));
}

/** Builds @threadline/agent; throws with npm's output when the build fails. */
export function buildAgent(): void {
  // Under `npm run`, npm_execpath is npm's own CLI; run it with this Node so PATH does not matter.
  const npmCli = process.env.npm_execpath;
  const [command, args] = npmCli ? [process.execPath, [npmCli]] : ['npm', []];
  const result = spawnSync(command, [...args, 'run', 'build', '-w', '@threadline/agent'], { cwd: repoRoot, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`building the agent failed:\n${result.stdout}${result.stderr}${result.error?.message ?? ''}`);
}

// The guard every file in internals/ uses: a reach into another library's private state runs
// only on the version it was written for, and only while that state has the shape it expects.
// Otherwise the caller takes the library's public API instead, and says so in one stderr line.
import { notice } from '../config/notice.ts';

export interface InternalsCheck {
  /** The library, as its package is named. */
  readonly library: string;
  /** The exact version the patch was written and tested against (the agent pins it). */
  readonly expected: string;
  /** The installed version, or undefined when it could not be read. */
  readonly installed: string | undefined;
  /** What the patch does, for the stderr line: "writes histogram series directly". */
  readonly patch: string;
  /** The shape the patch relies on: returns what is missing or different, undefined when all is there. */
  readonly shape: () => string | undefined;
}

/** True when the patch may run; false (after one stderr line) when the public API must be used. */
export function internalsUsable(check: InternalsCheck, warn: (line: string) => void = writeStderr): boolean {
  let problem: string | undefined;
  if (check.installed !== check.expected) {
    problem = `version ${check.installed ?? 'unknown'} is installed, the patch was written for ${check.expected}`;
  } else {
    try {
      problem = check.shape();
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
  }
  if (problem === undefined) return true;
  warn(notice(`${check.library}: ${problem}; not using its internals (${check.patch}), using its public API instead`));
  return false;
}

function writeStderr(line: string): void {
  process.stderr.write(`${line}\n`);
}

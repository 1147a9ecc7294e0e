// Where things are, whatever the working directory the runner or a test was started from.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const demoDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = resolve(demoDir, '..');
export const collectorConfigDir = resolve(repoRoot, 'collector-config');

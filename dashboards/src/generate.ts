// Writes each dashboard as JSON for Grafana's file provisioning.
// Usage: node src/generate.ts [outDir]   (default: dashboards/generated)
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dashboards } from './index.ts';

export function render(build: () => unknown): string {
  return `${JSON.stringify(build(), null, 2)}\n`;
}

export async function generate(outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const [file, build] of dashboards) {
    await writeFile(join(outDir, file), render(build));
    written.push(file);
  }
  return written;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2] ?? fileURLToPath(new URL('../generated', import.meta.url));
  const written = await generate(outDir);
  console.log(`wrote ${written.length} dashboards to ${outDir}`);
}

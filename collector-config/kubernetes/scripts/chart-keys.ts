// Lists every key path of a Helm chart's values.yaml, one per line, so the values files here can
// be checked offline against the exact chart version they pin (chart-keys/<chart>-<version>.txt,
// read by collector-config/test/kubernetes-values.test.ts). A path marked `open` has a default of
// {} or null or a list: the chart passes whatever is under it through (a free-form map).
//
//   git show <tag>:charts/<chart>/values.yaml > /tmp/values.yaml   (in the chart's repository)
//   node collector-config/kubernetes/scripts/chart-keys.ts /tmp/values.yaml > collector-config/kubernetes/chart-keys/<chart>-<version>.txt
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export function keyPaths(values: unknown, prefix = ''): string[] {
  if (typeof values !== 'object' || values === null || Array.isArray(values)) return [];
  const lines: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    const open = value === null || Array.isArray(value) || (typeof value === 'object' && Object.keys(value).length === 0);
    lines.push(open ? `${path} open` : path, ...keyPaths(value, path));
  }
  return lines;
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const file = process.argv[2];
  if (file === undefined) {
    console.error('usage: node chart-keys.ts <values.yaml>');
    process.exit(2);
  }
  console.log(keyPaths(parse(readFileSync(file, 'utf8'))).sort().join('\n'));
}

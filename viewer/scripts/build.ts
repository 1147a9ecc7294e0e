// Builds the viewer: the server with tsc into dist/, the browser code with esbuild into dist/public/.
// Asset names carry a content hash so the server may let browsers cache them for good; index.html,
// which names them, is written last and is never cached.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const ui = fileURLToPath(new URL('../src/ui/', import.meta.url));
const publicDir = fileURLToPath(new URL('../dist/public/', import.meta.url));
const assetsDir = `${publicDir}assets/`;

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
execFileSync(process.execPath, [fileURLToPath(import.meta.resolve('typescript/bin/tsc')), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });

mkdirSync(assetsDir, { recursive: true });
const result = await build({
  entryPoints: { app: `${ui}main.ts` },
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022'],
  minify: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  entryNames: '[name]-[hash]',
  outdir: assetsDir,
  metafile: true,
  logLevel: 'warning',
});

/** The hashed output file of one entry, by its extension (app-XXXX.js, app-XXXX.css). */
function output(extension: string): string {
  const names = Object.keys(result.metafile.outputs).filter((file) => file.endsWith(extension)).map((file) => basename(file));
  if (names.length !== 1) throw new Error(`build: expected one ${extension} output, got ${names.join(', ') || 'none'}`);
  return names[0]!;
}

copyFileSync(`${ui}favicon.svg`, `${assetsDir}favicon.svg`);
const page = readFileSync(`${ui}index.html`, 'utf8').replaceAll('{{app.js}}', `/assets/${output('.js')}`).replaceAll('{{app.css}}', `/assets/${output('.css')}`);
if (page.includes('{{')) throw new Error('build: index.html has a placeholder the build does not fill');
writeFileSync(`${publicDir}index.html`, page);

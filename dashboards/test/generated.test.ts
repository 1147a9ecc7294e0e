// The committed JSON is what Grafana provisions: it must be exactly what the code generates.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { generate } from '../src/generate.ts';
import { DASHBOARDS } from '../src/links.ts';
import { generatedDir, generatedFiles, loadDashboards, queries, referencedVariables, variables } from './support.ts';

test('regenerating leaves the committed JSON unchanged', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'threadline-dashboards-'));
  try {
    await generate(dir);
    const fresh = (await readdir(dir)).sort();
    assert.deepEqual(generatedFiles(), fresh, 'generated/ holds other files than the code generates: run `npm run dashboards`');
    for (const file of fresh) {
      const [want, have] = await Promise.all([readFile(join(dir, file), 'utf8'), readFile(join(generatedDir, file), 'utf8')]);
      assert.ok(want === have, `generated/${file} drifted from the code: run \`npm run dashboards\` and commit the result`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('every dashboard has its fixed UID, a title and panels', () => {
  const dashboards = [...loadDashboards().values()];
  assert.deepEqual(dashboards.map((d) => d.uid).sort(), Object.values(DASHBOARDS).map((d) => d.uid).sort());
  for (const dashboard of dashboards) {
    assert.equal(typeof dashboard.title, 'string', `${dashboard.uid}: title`);
    assert.ok(dashboard.title.length > 0, `${dashboard.uid}: empty title`);
    assert.ok(Array.isArray(dashboard.panels) && dashboard.panels.length > 0, `${dashboard.uid}: no panels`);
  }
});

test('links between dashboards point at existing dashboards', () => {
  const uids = new Set<string>(Object.values(DASHBOARDS).map((d) => d.uid));
  for (const [file, dashboard] of loadDashboards()) {
    const urls = [...JSON.stringify(dashboard).matchAll(/\/d\/([\w-]+)/g)].map((m) => m[1] ?? '');
    for (const uid of urls) assert.ok(uids.has(uid), `${file} links to unknown dashboard ${uid}`);
  }
});

test('every variable a query uses is defined on its dashboard', () => {
  for (const dashboard of loadDashboards().values()) {
    const defined = new Set(variables(dashboard).map((v) => v['name']));
    for (const query of queries(dashboard)) {
      for (const name of referencedVariables(query.text)) {
        assert.ok(defined.has(name), `${query.where} uses $${name}, which the dashboard does not define`);
      }
    }
  }
});

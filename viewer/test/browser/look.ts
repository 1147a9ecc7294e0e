// A development aid, not a test: serves the built UI with fixture API answers and saves a screenshot of
// every page as fixtures-*.png where helpers.ts puts screenshots (it prints each path).
// `node test/browser/look.ts [--real] [page…]` after `npm run build`.
import { Router } from '../../src/server/router.ts';
import { staticRoutes } from '../../src/server/static.ts';
import { fixtureApi, makeFixtures, ORDER_TRACE } from './fixtures.ts';
import { serveRouter } from './fixture-server.ts';
import { launch, screenshot } from './helpers.ts';
import { putSamples } from './sample-requests.ts';
import { PUBLIC_DIR, startTestViewer } from './viewer-server.ts';

// `--real`: a real viewer with the sample requests posted to it, instead of fixture answers.
const real = process.argv.includes('--real');
const viewer = real ? await startTestViewer() : undefined;
if (viewer !== undefined) await putSamples(viewer);
const served = viewer !== undefined ? { origin: viewer.url, close: () => viewer.close() } : await serveRouter(fixtureApi(staticRoutes(new Router(), PUBLIC_DIR), makeFixtures()));
const session = await launch();
try {
  const page = await session.newPage();
  const pages: [string, string][] = [['search', '/'], ['request', `/request/${ORDER_TRACE}`], ['services', '/services'], ['service', '/services/gateway'], ['map', '/map'], ['logs', '/logs'], ['alerts', '/alerts'], ['missing', '/request/nope']];
  for (const [name, path] of pages.filter(([name]) => !process.argv.slice(2).some((arg) => !arg.startsWith('--')) || process.argv.includes(name))) {
    await page.goto(`${served.origin}${path}`);
    await page.waitForTimeout(700);
    if (name === 'request') await page.locator('.log-row').nth(6).click();
    await page.evaluate('window.scrollTo(0, 0)');
    console.log(await screenshot(page, `fixtures-${real ? 'real-' : ''}${name}`));
  }
  console.log(session.problems.join('\n') || 'no page errors');
} finally {
  await session.close();
  await served.close();
}

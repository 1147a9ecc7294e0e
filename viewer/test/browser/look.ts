// A development aid, not a test: serves the built UI with fixture API answers and saves a screenshot of
// every page into screenshots/fixtures-*.png. `node test/browser/look.ts` after `npm run build`.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router } from '../../src/server/router.ts';
import { staticRoutes } from '../../src/server/static.ts';
import { fixtureApi, makeFixtures, ORDER_TRACE } from './fixtures.ts';
import { serveRouter } from './fixture-server.ts';
import { launch, screenshot } from './helpers.ts';

const publicDir = join(fileURLToPath(new URL('../../dist/public/', import.meta.url)));
const served = await serveRouter(fixtureApi(staticRoutes(new Router(), publicDir), makeFixtures()));
const session = await launch();
try {
  const page = await session.newPage();
  const pages: [string, string][] = [['search', '/'], ['request', `/request/${ORDER_TRACE}`], ['services', '/services'], ['service', '/services/gateway'], ['map', '/map'], ['logs', '/logs'], ['alerts', '/alerts'], ['missing', '/request/nope']];
  for (const [name, path] of pages.filter(([name]) => process.argv.length <= 2 || process.argv.includes(name))) {
    await page.goto(`${served.origin}${path}`);
    await page.waitForTimeout(700);
    if (name === 'request') await page.locator('.log-row').nth(6).click();
    console.log(await screenshot(page, `fixtures-${name}`));
  }
  console.log(session.problems.join('\n') || 'no page errors');
} finally {
  await session.close();
  await served.close();
}

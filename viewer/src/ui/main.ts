// The page's entry: styles, the routes, and the header's "open a request by ID" box.
import 'uplot/dist/uPlot.min.css';
import './app.css';
import { AppRouter, go } from './router.ts';
import { alertsPage } from './pages/alerts.ts';
import { logsPage } from './pages/logs.ts';
import { mapPage } from './pages/map.ts';
import { requestPage } from './pages/request.ts';
import { searchPage } from './pages/search.ts';
import { servicePage, servicesPage } from './pages/services.ts';
import { startStatus } from './status.ts';

function start(): void {
  const main = document.getElementById('main')!;
  new AppRouter(main)
    .add('/', searchPage)
    .add('/request/:id', requestPage)
    .add('/services', servicesPage)
    .add('/services/:name', servicePage)
    .add('/map', mapPage)
    .add('/logs', logsPage)
    .add('/alerts', alertsPage)
    .start();
  startStatus(document.getElementById('store-status')!);
  const jump = document.getElementById('jump') as HTMLFormElement;
  jump.addEventListener('submit', (event) => {
    event.preventDefault();
    const input = jump.elements.namedItem('id') as HTMLInputElement;
    const id = input.value.trim();
    if (id === '') return;
    input.value = '';
    go(`/request/${encodeURIComponent(id)}`);
  });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();

// gateway: the shop's only public door. It forwards the public API to orders and the fault
// switches to whichever service they name; the agent carries the correlation ID through.
import type { Response } from 'express';
import { changeFaults } from '../../shared/http-app.ts';
import { requestJson, type JsonResponse } from '../../shared/http-client.ts';
import { HttpError } from '../../shared/http-errors.ts';
import { startService } from '../../shared/service.ts';
import { SERVICE_NAMES, serviceUrl, type ServiceName } from '../../shared/settings.ts';

function knownService(name: string): ServiceName {
  const service = SERVICE_NAMES.find((candidate) => candidate === name);
  if (service === undefined) throw new HttpError(404, `no service ${JSON.stringify(name)}; known: ${SERVICE_NAMES.join(', ')}`);
  return service;
}

function relay(res: Response, upstream: JsonResponse): void {
  res.status(upstream.status).json(upstream.body);
}

startService({
  name: 'gateway',
  mount({ app, faults }) {
    const ordersUrl = serviceUrl('orders');

    app.post('/api/orders', async (req, res) => {
      // Long enough for orders' own retries against payments to play out.
      relay(res, await requestJson(`${ordersUrl}/orders`, { method: 'POST', body: req.body, timeoutMs: 10_000 }));
    });

    app.get('/api/orders/:id', async (req, res) => {
      relay(res, await requestJson(`${ordersUrl}/orders/${encodeURIComponent(req.params.id)}`, { timeoutMs: 5000 }));
    });

    app.put('/admin/faults/:service', async (req, res) => {
      const service = knownService(req.params.service);
      if (service === 'gateway') res.json(changeFaults(faults, req.body));
      else relay(res, await requestJson(`${serviceUrl(service)}/admin/faults`, { method: 'PUT', body: req.body ?? {}, timeoutMs: 5000 }));
    });

    app.get('/admin/faults/:service', async (req, res) => {
      const service = knownService(req.params.service);
      if (service === 'gateway') res.json(faults.settings);
      else relay(res, await requestJson(`${serviceUrl(service)}/admin/faults`, { timeoutMs: 5000 }));
    });
  },
});

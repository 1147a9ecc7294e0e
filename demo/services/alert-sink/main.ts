// alert-sink: the Alertmanager webhook receiver the demo shows. It keeps what it received (in
// memory, and appended to ALERT_SINK_FILE when set), logs one line per alert, and lists them on
// GET /alerts so a person (or a test) can see that an alert made it all the way through.
import { appendFile } from 'node:fs/promises';
import { logger } from '@threadline/agent';
import { isRecord } from '../../shared/http-errors.ts';
import { startService } from '../../shared/service.ts';
import { portFrom } from '../../shared/settings.ts';

export interface ReceivedAlert {
  readonly receivedAt: string;
  readonly receiver: string;
  readonly status: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

const KEEP = 500;

startService({
  name: 'alert-sink',
  port: portFrom(process.env, 'PORT', 9099),
  // A group of many alerts with their annotations can be larger than a shop request.
  jsonLimit: '1mb',
  mount({ app }) {
    const file = process.env.ALERT_SINK_FILE?.trim() || undefined;
    const received: ReceivedAlert[] = [];

    // Alertmanager's webhook payload (version 4): a group of alerts for one receiver.
    app.post(['/alerts', '/alerts/:route'], async (req, res) => {
      const body: unknown = req.body;
      const alerts = isRecord(body) && Array.isArray(body.alerts) ? (body.alerts as unknown[]) : [];
      const receiver = isRecord(body) && typeof body.receiver === 'string' ? body.receiver : 'unknown';
      const now = new Date().toISOString();
      const batch = alerts.filter(isRecord).map(
        (alert): ReceivedAlert => ({
          receivedAt: now,
          receiver,
          status: typeof alert.status === 'string' ? alert.status : 'unknown',
          labels: isRecord(alert.labels) ? (alert.labels as Record<string, string>) : {},
          annotations: isRecord(alert.annotations) ? (alert.annotations as Record<string, string>) : {},
        }),
      );
      for (const alert of batch) {
        logger.warn({ alertname: alert.labels.alertname, alert_service: alert.labels.service, severity: alert.labels.severity, status: alert.status, receiver, summary: alert.annotations.summary }, 'alert received');
      }
      received.push(...batch);
      received.splice(0, Math.max(0, received.length - KEEP));
      if (file && batch.length > 0) await appendFile(file, batch.map((alert) => `${JSON.stringify(alert)}\n`).join(''));
      res.json({ received: batch.length });
    });

    app.get('/alerts', (_req, res) => {
      res.json({ alerts: received });
    });
  },
});

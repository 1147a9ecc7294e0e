// The parts of prom-client the agent uses, loaded from their own files rather than through the
// package's index: the index also loads the Pushgateway, and with it node:https and TLS, for a
// feature the agent never uses (see http-server.ts for what TLS costs). Typed as the index
// exports them; the version is pinned, and the metrics tests cover every part.
/* eslint-disable @typescript-eslint/no-require-imports */
import type * as PromClient from 'prom-client';

export const Registry = require('prom-client/lib/registry') as typeof PromClient.Registry;
export const Counter = require('prom-client/lib/counter') as typeof PromClient.Counter;
export const Gauge = require('prom-client/lib/gauge') as typeof PromClient.Gauge;
export const Histogram = require('prom-client/lib/histogram') as typeof PromClient.Histogram;
export const collectDefaultMetrics = require('prom-client/lib/defaultMetrics') as typeof PromClient.collectDefaultMetrics;
/** The key of a label set in a metric's series (util.js); not in prom-client's declarations. */
export const hashObject = (require('prom-client/lib/util') as { hashObject(labels: object, sortedLabelNames: readonly string[]): string }).hashObject;
/** A histogram bucket's exemplar (exemplar.js); not in prom-client's declarations. */
export interface Exemplar {
  labelSet: object;
  value: number | null;
  timestamp?: number;
}
export const Exemplar = require('prom-client/lib/exemplar') as new () => Exemplar;
export type Registry<T extends PromClient.RegistryContentType = PromClient.PrometheusContentType> = PromClient.Registry<T>;
export type Counter<T extends string = string> = PromClient.Counter<T>;
export type Gauge<T extends string = string> = PromClient.Gauge<T>;
export type Histogram<T extends string = string> = PromClient.Histogram<T>;

// The prom-client this repository installs must be the one internals/prom-client.ts was written
// for: when an upgrade changes the version or the shape, these fail and say what changed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RegistryContentType } from 'prom-client';
import { directWriteUsable, Histogram, histogramShapeProblem, Registry } from '../../../dist/internals/prom-client.js';
import { TracedHistogram } from '../../../dist/metrics/traced-histogram.js';

describe('internals/prom-client', () => {
  it('finds the installed prom-client as written for: version and histogram shape', () => {
    assert.equal(histogramShapeProblem(), undefined, 'prom-client changed shape: update internals/prom-client.ts or pin the old version');
    assert.equal(directWriteUsable(), true, 'prom-client is not the pinned version: update internals/prom-client.ts with it');
  });

  it('names what is missing when the shape differs', () => {
    assert.equal(histogramShapeProblem({ Histogram, hashObject: undefined, Exemplar: undefined }), 'lib/util.js has no hashObject');
    const realExemplar = class {
      labelSet = {};
      value: number | null = null;
    };
    // A key function that no longer finds the series, as with a LabelMap instead of hashMap.
    assert.equal(histogramShapeProblem({ Histogram, hashObject: () => 'elsewhere', Exemplar: realExemplar }), "hashObject's key does not find the series");
  });

  it('renders the same with the direct write off (the fallback) as with it on', async () => {
    const render = async (direct: boolean): Promise<string> => {
      const registry = new Registry<RegistryContentType>();
      registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
      const prom = new Histogram<'route'>({ name: 'h', help: 'h', labelNames: ['route'], buckets: [0.1, 1], enableExemplars: true, registers: [registry] });
      const histogram = new TracedHistogram(prom, direct);
      for (const [i, value] of [0.05, 0.5, 5, 0.05].entries()) {
        histogram.observe({ route: i % 2 === 0 ? '/a' : '/b' }, value, { trace_id: 'a'.repeat(32), span_id: String(i).repeat(16) });
      }
      // Exemplar timestamps differ between the runs; everything else must not.
      return (await registry.metrics()).replace(/ \d+\.\d+\n/g, ' <time>\n');
    };
    assert.equal(await render(false), await render(true));
  });
});

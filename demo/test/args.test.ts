// The runner's command line: scenarios by name (each firing alerts the stack defines), numbers
// checked, URLs for --against.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { parseRunnerArgs } from '../runner/args.ts';
import { collectorConfigDir } from '../runner/paths.ts';
import { SCENARIOS } from '../runner/scenarios.ts';

describe('parseRunnerArgs', () => {
  it('has defaults for a plain `npm run demo`', () => {
    const args = parseRunnerArgs([]);
    assert.equal(args.scenario, undefined);
    assert.equal(args.durationSeconds, undefined);
    assert.equal(args.ratePerSecond, 3);
    assert.equal(args.fastAlerts, false);
    assert.equal(args.build, true);
    assert.equal(args.against, undefined);
  });

  it('finds every scenario by name and refuses an unknown one with the list', () => {
    for (const scenario of SCENARIOS) assert.equal(parseRunnerArgs(['--scenario', scenario.name]).scenario, scenario);
    assert.throws(() => parseRunnerArgs(['--scenario', 'payment-errors']), /unknown scenario "payment-errors"; known: payments-errors, /);
  });

  it('checks numbers and URLs', () => {
    assert.equal(parseRunnerArgs(['--duration', '30', '--rate', '0.5']).ratePerSecond, 0.5);
    assert.throws(() => parseRunnerArgs(['--duration', '0']), /--duration must be a positive number/);
    assert.equal(parseRunnerArgs(['--against', 'http://localhost:8080/']).against, 'http://localhost:8080');
    assert.throws(() => parseRunnerArgs(['--against', 'localhost:8080']), /--against must be an http\(s\) base URL/);
    assert.throws(() => parseRunnerArgs(['--colour']), /Unknown option/);
  });

  it('gives every scenario something to do and alerts that the stack defines', () => {
    const rules = parse(readFileSync(join(collectorConfigDir, 'prometheus/rules/alerts.yml'), 'utf8')) as { groups: Array<{ rules: Array<{ alert?: string }> }> };
    const defined = new Set(rules.groups.flatMap((g) => g.rules.map((r) => r.alert)));
    for (const scenario of SCENARIOS) {
      assert.ok(Object.keys(scenario.faults).length > 0 || (scenario.stop ?? []).length > 0, scenario.name);
      assert.ok(scenario.alerts.length > 0, scenario.name);
      for (const alert of scenario.alerts) assert.ok(defined.has(alert), `${scenario.name}: ${alert} is in alerts.yml`);
    }
  });
});

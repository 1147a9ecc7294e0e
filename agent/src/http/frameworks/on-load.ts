// The route integrations that patch a framework do it when the framework loads, through
// OpenTelemetry's require-in-the-middle / import-in-the-middle hooks, like the instrumentations.
import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';

type Patch = (exports: unknown) => unknown;

/** Applies `patch` to module `name` (versions: semver ranges) when the app loads it. */
export function patchOnLoad(name: string, versions: string[], patch: Patch): InstrumentationBase {
  class OnLoad extends InstrumentationBase {
    protected init(): InstrumentationNodeModuleDefinition[] {
      return [new InstrumentationNodeModuleDefinition(name, versions, patch)];
    }
  }
  return new OnLoad(`@threadline/agent/${name}`, '0.1.0', {});
}

// Node's on-disk cache of compiled modules (module.enableCompileCache, Node 22.1+), switched on
// as this module loads. Compiling modules is a large share of the agent's start-up; with the
// cache, the second and later starts skip it for the agent and the app's modules.
// Node's own variables still rule: NODE_COMPILE_CACHE picks the directory,
// NODE_DISABLE_COMPILE_CACHE=1 turns it off. Where the directory cannot be written (a read-only
// file system), Node reports a failed status and modules compile as before.
import module from 'node:module';

try {
  module.enableCompileCache();
} catch {
  // An older or unusual runtime without the API: start-up is slower, nothing else changes.
}

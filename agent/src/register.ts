// The preload: `node -r @threadline/agent/register app.js` or `node --import @threadline/agent/register app.mjs`.
// Worker threads inherit the preload flags; the agent belongs to the main thread only (its own
// Loki worker would otherwise start another agent, and so on).
// The compile cache is switched on by importing its module first: imports load in order, so the
// agent's own modules, loaded next, are cached too.
import './lifecycle/compile-cache.ts';
import { isMainThread } from 'node:worker_threads';
import { agent } from './agent.ts';

if (isMainThread) agent();

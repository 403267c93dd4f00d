/**
 * Integration patterns, run directly from the repository root:
 *
 *   node --import tsx examples/integration_patterns/main.ts
 *
 * Node runs the worker parts on worker_threads (spawn-node.ts). The same patterns run on module
 * Web Workers in a cross-origin-isolated page: test/examples-browser.test.ts does that in
 * Chromium and Firefox with `webSpawner` from spawn-web.ts.
 */
import { nodeSpawner } from './spawn-node.ts';
import { runIntegrationPatterns } from './walkthrough.ts';

await runIntegrationPatterns(nodeSpawner, (line) => { console.log(line); });

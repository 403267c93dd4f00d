/**
 * Where a call site starts in a stack: after the outermost allocation method, in every engine's
 * stack format, minified (a production bundle) or not (a dev server, Node).
 */
import { describe, expect, it } from 'vitest';
import { siteFromStack } from '../src/memory/leak-report.ts';

describe('call sites in bundled code', () => {
  it('cuts a stack after the outermost allocation method, in V8, SpiderMonkey and JavaScriptCore formats, minified or not', () => {
    // a production bundle: file and function names minified, method names kept
    const v8 = ['Error', '    at dt (https://game.example/assets/index-3f2a.js:1:9001)', '    at t.noteAlloc (https://game.example/assets/index-3f2a.js:1:8000)',
      '    at t.alloc (https://game.example/assets/index-3f2a.js:1:7000)', '    at Object.fireAndForget (https://game.example/assets/game-9c1d.js:1:500)',
      '    at tick (https://game.example/assets/game-9c1d.js:1:900)', '    at loop (https://game.example/assets/game-9c1d.js:1:990)', '    at more (x.js:1:1)'].join('\n');
    expect(siteFromStack(v8)).toBe(['at Object.fireAndForget (https://game.example/assets/game-9c1d.js:1:500)', '    at tick (https://game.example/assets/game-9c1d.js:1:900)', '    at loop (https://game.example/assets/game-9c1d.js:1:990)'].join('\n'));
    // SpiderMonkey's stack has no message line: its first frame (callSite itself) is the one skipped; a take() on top of alloc(): both are the library's
    const firefox = ['callSite@https://g/a.js:1:5', 'callSiteId@https://g/a.js:1:10', 'alloc@https://g/a.js:1:20', 'take@https://g/a.js:1:30', 'spawn@https://g/game.js:4:2', 'tick@https://g/game.js:9:1'].join('\n');
    expect(siteFromStack(firefox)).toBe('spawn@https://g/game.js:4:2\ntick@https://g/game.js:9:1');
    const webkit = ['push@https://g/a.js:1:20', 'scratchVector@https://g/game.js:7:3'].join('\n');
    expect(siteFromStack(`Error\n${webkit}`)).toBe('scratchVector@https://g/game.js:7:3');
    // unbundled (a dev server, Node): the library's files are left out as before
    const dev = ['Error', '    at Pool.alloc (http://localhost:5173/src/allocators/pool/pool.ts:60:9)', '    at helper (http://localhost:5173/node_modules/nebula-memory/dist/x.js:1:1)',
      '    at spawn (http://localhost:5173/game.ts:3:4)'].join('\n');
    expect(siteFromStack(dev)).toBe('at spawn (http://localhost:5173/game.ts:3:4)');
    expect(siteFromStack('Error\n    at t.alloc (a.js:1:1)')).toBe('unknown');
  });
});

// The README's examples, run in Node against the installed package (scripts/consumer-test.mjs).
// A runnable example is a ts/js block that imports the package and prints with `console.log(…); // output`;
// the comment is the output it must print (up to a `:` that starts an explanation). Blocks for a
// page or a worker (self, window, document, new Worker) and blocks that print nothing are listed, not run.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { indent, run } from './util.mjs';

/** The README's code blocks: language, code, line of the opening fence. */
export function readmeBlocks(readme) {
  const blocks = [];
  for (const m of readme.matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)) {
    blocks.push({ lang: m[1], code: m[2], line: readme.slice(0, m.index).split('\n').length });
  }
  return blocks;
}

/** Why a block is not run in Node, or null when it is. */
function notRunnable(block) {
  if (block.lang !== 'ts' && block.lang !== 'js') return `a ${block.lang || 'text'} block`;
  if (!/from ['"]nebula-memory(\/[\w-]+)?['"]/.test(block.code)) return 'does not import nebula-memory';
  if (/\b(self|window|document)\b|new Worker\(/.test(block.code)) return 'needs a page or a worker';
  if (!/console\.log\(.*\/\/\s*\S/.test(block.code)) return 'prints nothing it states';
  return null;
}

/** The outputs the block's comments state, in order; null where a console.log has no comment. */
export function statedOutput(code) {
  return code.split('\n').filter((l) => l.includes('console.log(')).map((l) => {
    const m = /console\.log\(.*\)\s*;?\s*\/\/\s*(.+)$/.exec(l);
    return m ? m[1].split(/:\s/)[0].trim() : null;
  });
}

/** Runs each runnable block with `node`, in the checked build (default) and the fast one (`--conditions=production`). */
export async function runReadme(checks, root, dir) {
  const ts = createRequire(join(dir, 'package.json'))('typescript');
  const blocks = readmeBlocks(readFileSync(join(root, 'README.md'), 'utf8'));
  let runnable = 0;
  for (const [i, block] of blocks.entries()) {
    const why = notRunnable(block);
    const name = `README.md:${block.line} (${block.lang || 'text'})`;
    if (why) {
      console.log(`  skip ${name}: ${why}`);
      continue;
    }
    runnable++;
    const js = ts.transpileModule(block.code, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: true } }).outputText;
    const file = `readme-${i}.mjs`;
    writeFileSync(join(dir, file), js);
    const expected = statedOutput(block.code);
    for (const [build, args] of [['checked', []], ['fast', ['--conditions=production']]]) {
      const r = await run(process.execPath, [...args, file], { cwd: dir, timeout: 60_000 });
      const lines = r.stdout.trimEnd().split('\n');
      const same = r.ok && lines.length === expected.length && expected.every((e, k) => e === null || e === lines[k]);
      checks.add(`README example ${name} in Node, ${build} build, prints ${JSON.stringify(expected.join(' | '))}`, same,
        same ? '' : r.ok ? `printed ${JSON.stringify(lines.join(' | '))}` : `exit ${r.status}: ${r.out.split('\n').find((l) => /Error/.test(l)) ?? r.out.split('\n')[0]}`);
      if (!same) console.log(indent(r.out));
    }
  }
  checks.add('README: at least one example runs in Node', runnable > 0, `${runnable} runnable of ${blocks.length} blocks`);
}

/** Which build each export condition gives in Node: CHECKS of the root entry. */
export async function nodeConditions(checks, dir) {
  const code = "const m = await import('nebula-memory'); const t = await import('nebula-memory/typed'); console.log(JSON.stringify({ CHECKS: m.CHECKS, typed: typeof t.struct }))";
  for (const [args, checked] of [[[], true], [['--conditions=development'], true], [['--conditions=production'], false]]) {
    const r = await run(process.execPath, [...args, '--input-type=module', '-e', code], { cwd: dir, timeout: 30_000 });
    let got = null;
    try { got = JSON.parse(r.stdout.trim()); } catch { /* reported below */ }
    checks.add(`Node ${args[0] ?? '(default conditions)'}: the ${checked ? 'checked' : 'fast'} build`, got?.CHECKS === checked && got?.typed === 'function',
      got ? JSON.stringify(got) : r.out.split('\n')[0]);
  }
}

/**
 * The package's public names: every entry of package.json's `exports` with the names it exports
 * (values and types), read with the TypeScript compiler from the sources. Used by the public-API
 * test (test/public-api.test.ts) and by the metrics (docs/METRICS.md).
 *
 * usage: node --import tsx scripts/public-names.ts   (prints a table)
 * @module
 */
import ts from 'typescript';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Each public entry (its import specifier) and its source file. */
export const PUBLIC_ENTRIES: readonly (readonly [string, string])[] = [
  ['nebula-memory', 'src/index.ts'],
  ['nebula-memory/typed', 'src/typed/index.ts'],
  ['nebula-memory/inspector', 'src/inspector/index.ts'],
  ['nebula-memory/cache', 'src/cache/index.ts'],
  ['nebula-memory/trace', 'src/trace.ts'],
  ['nebula-memory/kinds', 'src/kinds.ts'],
  ['nebula-memory/vite', 'src/vite/index.ts'],
];

/** One entry's exported names, split into values (a runtime binding) and types only. */
export interface EntryNames {
  readonly entry: string;
  readonly file: string;
  readonly values: readonly string[];
  readonly types: readonly string[];
  /** The names whose declaration has no TSDoc comment, or none with an `@example`. */
  readonly undocumented: readonly string[];
}

/** Whether a declaration carries a TSDoc comment with an `@example` tag. */
function documented(d: ts.Declaration): boolean {
  const node = ts.isVariableDeclaration(d) ? d.parent.parent : d;
  const docs = ts.getJSDocCommentsAndTags(node);
  return docs.length > 0 && ts.getJSDocTags(node).some((t) => t.tagName.text === 'example');
}

/** Reads every entry's exports with the compiler (one program over all entries). */
export function publicNames(): EntryNames[] {
  const files = PUBLIC_ENTRIES.map(([, f]) => join(root, f));
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true, noEmit: true, strict: true, skipLibCheck: true, types: [],
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.webworker.importscripts.d.ts'],
  });
  const checker = program.getTypeChecker();
  return PUBLIC_ENTRIES.map(([entry, file]) => {
    const sf = program.getSourceFile(join(root, file));
    const sym = sf === undefined ? undefined : checker.getSymbolAtLocation(sf);
    if (sym === undefined) throw new Error(`${file}: not a module`);
    const values: string[] = [];
    const types: string[] = [];
    const undocumented: string[] = [];
    for (const e of checker.getExportsOfModule(sym)) {
      const target = e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e;
      const typeOnly = (e.declarations ?? []).some((d) => ts.isExportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly));
      (target.flags & ts.SymbolFlags.Value && !typeOnly ? values : types).push(e.name);
      if (!(target.declarations ?? []).some(documented)) undocumented.push(e.name);
    }
    return { entry, file, values: values.sort(), types: types.sort(), undocumented: undocumented.sort() };
  });
}

if (fileURLToPath(import.meta.url) === process.argv[1]) {
  let total = 0;
  for (const e of publicNames()) {
    total += e.values.length + e.types.length;
    console.log(`${e.entry}: ${String(e.values.length + e.types.length)} (${String(e.values.length)} values, ${String(e.types.length)} types)`);
    console.log(`  values: ${e.values.join(', ')}`);
    console.log(`  types:  ${e.types.join(', ')}`);
  }
  console.log(`total: ${String(total)}`);
}

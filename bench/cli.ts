/**
 * The benches' command lines: `--quick`, `--build <value>`, `--json [path]`, and named integer,
 * comma-list and no-value options. Anything else is an error that prints the usage.
 * @module
 */

/** What a bench accepts besides `--quick` and `--json [path]`. */
export interface CliSpec {
  /** Options that take a positive integer, e.g. `--runs`. */
  readonly ints?: readonly string[];
  /** Options that take a comma-separated list, e.g. `--variants`. */
  readonly lists?: readonly string[];
  /** The values `--build` accepts; none: no `--build`. */
  readonly builds?: readonly string[];
  /** Options that take no value, e.g. `--src`. */
  readonly flags?: readonly string[];
}

/** A parsed command line. */
export interface CliArgs {
  readonly quick: boolean;
  /** `--build`'s value, or null. */
  readonly build: string | null;
  /** True when `--json` was given, with or without a path. */
  readonly json: boolean;
  /** `--json`'s path, or null. */
  readonly jsonPath: string | null;
  /** The integer options given. */
  readonly ints: ReadonlyMap<string, number>;
  /** The list options given. */
  readonly lists: ReadonlyMap<string, readonly string[]>;
  /** The flags given. */
  readonly flags: ReadonlySet<string>;
}

/** Parses `argv` by `spec`; throws with `usage` on anything unknown or malformed. */
export function parseCli(argv: readonly string[], spec: CliSpec, usage: string): CliArgs {
  let quick = false;
  let build: string | null = null;
  let json = false;
  let jsonPath: string | null = null;
  const ints = new Map<string, number>();
  const lists = new Map<string, readonly string[]>();
  const flags = new Set<string>();
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    const value = k + 1 < argv.length ? argv[k + 1] : undefined;
    if (a === '--quick') quick = true;
    else if (spec.flags?.includes(a) === true) flags.add(a);
    else if (a === '--build' && value !== undefined && spec.builds?.includes(value) === true) {
      build = value;
      k++;
    } else if (a === '--json') {
      json = true;
      if (value !== undefined && !value.startsWith('--')) {
        jsonPath = value;
        k++;
      }
    } else if (spec.ints?.includes(a) === true) {
      const x = Number(value);
      if (!Number.isInteger(x) || x <= 0) throw new Error(`${a} needs a positive integer, got ${String(value)}\n${usage}`);
      ints.set(a, x);
      k++;
    } else if (spec.lists?.includes(a) === true && value !== undefined) {
      lists.set(a, value.split(','));
      k++;
    } else throw new Error(`unknown argument ${a}\n${usage}`);
  }
  return { quick, build, json, jsonPath, ints, lists, flags };
}

// Types of scripts/size-check.mjs for the TypeScript scripts that import it (scripts/metrics.ts).

/** One entry's size in one build, bytes. */
export interface Size { readonly min: number; readonly gzip: number }
/** One entry measured in both builds. */
export interface EntrySize { readonly name: string; readonly fast: Size; readonly checked: Size }
/** What is measured: a name, the module an application imports, and what it imports from it. */
export const ENTRIES: readonly (readonly [string, string, string])[];
/** Every entry in both builds. */
export function sizes(): Promise<EntrySize[]>;

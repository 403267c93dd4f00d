/**
 * The Node allocation bench's bundle entry (bench/bundle.ts builds it per library build): every
 * case of bench/run.ts, library and references alike, so that one production bundle holds them
 * all, and the library's `CHECKS`, which tells the runner which build it loaded.
 * @module
 */
import type { AllocCase } from './case.ts';
import { float32ArrayCase, glMatrixCase, mat4Case, objectLiteralCase } from './gc-objects.ts';
import { arrayPoolCase, bumpCase, freeListCase, handStackCase } from './handwritten.ts';
import { libraryCases } from './library.ts';
import { thingMallocCase } from './thing-malloc.ts';
import { tmpVec3Case } from './typed.ts';

export { CHECKS } from '../../src/index.ts';

/** Fresh instances of every case of the Node allocation bench, in table order. */
export function allCases(): AllocCase[] {
  return [
    float32ArrayCase(), objectLiteralCase(), bumpCase(), freeListCase(), handStackCase(), arrayPoolCase(), thingMallocCase(),
    ...libraryCases(), tmpVec3Case(), glMatrixCase(), mat4Case(),
  ];
}

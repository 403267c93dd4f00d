/**
 * The frame loop's bundle entry (bench/bundle.ts builds it per library build): the variants, so
 * that each frame-loop child runs a production bundle, and the library's `CHECKS`, which tells the
 * child which build it loaded.
 * @module
 */
export { VARIANTS, type FrameLoopVariant, type Sim } from './variants.ts';
export { CHECKS } from '../../src/index.ts';

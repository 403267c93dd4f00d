/**
 * Benchmarking, run directly from the repository root:
 *
 *   node --expose-gc --import tsx examples/benchmarking/main.ts
 *
 * And in the fast build, the one a production bundle ships:
 *
 *   node --expose-gc --import ./bench/fast-build.mjs --import tsx examples/benchmarking/main.ts
 */
import { runBenchmarking } from './run.ts';

await runBenchmarking({}, (line) => { console.log(line); });

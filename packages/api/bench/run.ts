// `pnpm --filter @mdm/api bench`: every benchmark in turn, on the machine's PostgreSQL
// (BENCH_DATABASE_URL). Figures are printed, never asserted; docs/performance.md records them.
import { fanoutBenchmark } from './fanout.bench.js';
import { importBenchmark } from './import.bench.js';
import { sweepBenchmark } from './sweep.bench.js';

const only = process.argv[2];
if (!only || only === 'sweep') await sweepBenchmark();
if (!only || only === 'fanout') await fanoutBenchmark();
if (!only || only === 'import') await importBenchmark();

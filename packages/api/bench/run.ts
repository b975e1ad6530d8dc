// `pnpm --filter @mdm/api bench [name]`: every benchmark in turn, or the one named, on the
// machine's PostgreSQL (BENCH_DATABASE_URL). Names: sweep, fanout, import, certificate, edge, and the load scenarios
// enroll, bulk, checkin, subscribers, reads, mixed (`load` runs those six). Figures are printed,
// never asserted; docs/performance.md records them.
import { certificateBenchmark } from './certificate.bench.js';
import { edgeBenchmark } from './edge.bench.js';
import { fanoutBenchmark } from './fanout.bench.js';
import { importBenchmark } from './import.bench.js';
import { loadScenarios } from './load.bench.js';
import { sweepBenchmark } from './sweep.bench.js';

const only = process.argv[2];
const known = ['sweep', 'fanout', 'import', 'certificate', 'edge', 'load', ...Object.keys(loadScenarios)];
if (only && !known.includes(only)) {
  console.error(`unknown benchmark "${only}"; one of: ${known.join(', ')}`);
  process.exit(2);
}
if (!only || only === 'sweep') await sweepBenchmark();
if (!only || only === 'fanout') await fanoutBenchmark();
if (!only || only === 'import') await importBenchmark();
if (!only || only === 'certificate') await certificateBenchmark();
if (!only || only === 'edge') await edgeBenchmark();
for (const [name, scenario] of Object.entries(loadScenarios)) {
  if (!only || only === 'load' || only === name) await scenario();
}

// `pnpm bench [name ...]` (the root script builds first): by default the ratio table, each row
// of the gateway against the limit of the same work or a peer in the same run (ratios.bench.ts);
// `pnpm bench ratios enroll page` runs only those rows. The older absolute benchmarks stay
// reachable by name: sweep, fanout, import, certificate, edge, scep (the ratio row against micromdm's scepserver alone), and the load scenarios enroll-load,
// bulk-load, checkin-load, subscribers, reads, mixed (`load` runs those six). Figures are printed,
// never asserted; docs/performance.md records them.
import { certificateBenchmark } from './certificate.bench.js';
import { edgeBenchmark } from './edge.bench.js';
import { fanoutBenchmark } from './fanout.bench.js';
import { importBenchmark } from './import.bench.js';
import { loadScenarios } from './load.bench.js';
import { ratioRows, ratiosBenchmark } from './ratios.bench.js';
import { sweepBenchmark } from './sweep.bench.js';

const [first, ...rest] = process.argv.slice(2);
const others: Record<string, () => Promise<void>> = {
  sweep: sweepBenchmark,
  fanout: fanoutBenchmark,
  import: importBenchmark,
  certificate: certificateBenchmark,
  edge: edgeBenchmark,
  // The ratio table's scep row alone (scep.bench.ts holds its code).
  scep: () => ratiosBenchmark(['scep']),
  load: async () => {
    for (const scenario of Object.values(loadScenarios)) await scenario();
  },
  'enroll-load': loadScenarios['enroll']!,
  'bulk-load': loadScenarios['bulk']!,
  'checkin-load': loadScenarios['checkin']!,
  subscribers: loadScenarios['subscribers']!,
  reads: loadScenarios['reads']!,
  mixed: loadScenarios['mixed']!,
};
const rows = first === undefined || first === 'ratios' ? rest : [first, ...rest];
if (first !== undefined && first !== 'ratios' && others[first]) {
  await others[first]();
} else {
  const unknown = rows.filter((r) => !(ratioRows as readonly string[]).includes(r));
  if (unknown.length) {
    console.error(
      `unknown benchmark or row "${unknown.join(', ')}"; rows: ${ratioRows.join(', ')}; benchmarks: ratios, ${Object.keys(others).join(', ')}`,
    );
    process.exit(2);
  }
  await ratiosBenchmark(rows);
}

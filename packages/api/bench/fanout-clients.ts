// Child process of fanout.bench.ts: N graphql-ws subscribers (one socket each) to the same
// document and variables. Talks to the parent over IPC: 'status' → how many subscribers have
// seen an event; 'measure' → reset counters; 'report' → delivered count and latency percentiles.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

const [url, countArg, deviceId, token] = process.argv.slice(2) as [string, string, string, string];
const count = Number(countArg);
const query = `subscription($filter: DeviceEventFilter) { deviceCheckedIn(filter: $filter) { deviceId occurredAt device { id deviceName lastSyncDateTime managementCertificateExpirationDate } } }`;

const seen = new Uint8Array(count);
let latencies: number[] = [];
let measuring = false;
let received = 0;
const clients: Client[] = [];

/** Connections opened but not yet acknowledged: at most 200 (no connect storm), as in subscriber-clients.ts. */
const CONNECTING_AT_ONCE = 200;
let connecting = 0;
let wake: (() => void) | undefined;

for (let i = 0; i < count; i++) {
  while (connecting >= CONNECTING_AT_ONCE) await new Promise<void>((resolve) => (wake = resolve));
  connecting++;
  let settled = false;
  const settle = () => {
    if (settled) return;
    settled = true;
    connecting--;
    wake?.();
  };
  // Retries like a dashboard would when a busy machine makes it miss the connection_init deadline.
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    retryAttempts: 10,
    lazy: false,
    connectionParams: { authorization: `Bearer ${token}` },
    onNonLazyError: () => {},
    on: { connected: settle, closed: settle },
  });
  clients.push(client);
  client.subscribe<{ deviceCheckedIn: { occurredAt: string } }>(
    { query, variables: { filter: { deviceId } } },
    {
      next: (result) => {
        seen[i] = 1;
        if (!measuring) return;
        received++;
        latencies.push(Date.now() - Date.parse(result.data!.deviceCheckedIn.occurredAt));
      },
      error: () => {},
      complete: () => {},
    },
  );
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;

process.on('message', (message: string) => {
  if (message === 'status') process.send!({ type: 'status', primed: seen.reduce((a, b) => a + b, 0) });
  if (message === 'measure') {
    measuring = true;
    received = 0;
    latencies = [];
    process.send!({ type: 'measuring' });
  }
  if (message === 'report') {
    const sorted = latencies.slice().sort((a, b) => a - b);
    process.send!({
      type: 'report',
      received,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? NaN,
      rssMiB: Math.round(process.memoryUsage().rss / 1048576),
    });
  }
  if (message === 'exit') void Promise.all(clients.map((c) => c.dispose())).then(() => process.exit(0));
});
process.send!({ type: 'started' });

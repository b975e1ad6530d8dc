// Child process of the `subscribers` load benchmark: N WebSocket subscribers, one socket each.
// Mode `graphql`: graphql-ws clients with the token, subscribed to `deviceCheckedIn`; mode `raw`
// (the baseline): plain `ws` sockets that receive the same JSON from a bare broadcast server.
// IPC: 'status' → how many have received anything; 'measure' → reset counters; 'report' →
// received count, latency percentiles (event timestamp → receipt) and this process's RSS.
// argv: mode url count token
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { percentile } from './load-harness.js';

const [mode, url, countArg, token] = process.argv.slice(2) as ['graphql' | 'raw', string, string, string];
const count = Number(countArg);
const query = 'subscription { deviceCheckedIn { deviceId occurredAt device { id lastSyncDateTime } } }';

const seen = new Uint8Array(count);
let latencies: number[] = [];
let measuring = false;
let received = 0;
const clients: Client[] = [];
/** Socket closes by close code (reported with 'status', to explain subscribers that never primed). */
const closes: Record<string, number> = {};
const sockets: WebSocket[] = [];

const onEvent = (i: number, occurredAt: string) => {
  seen[i] = 1;
  if (!measuring) return;
  received++;
  latencies.push(Date.now() - Date.parse(occurredAt));
};

for (let i = 0; i < count; i++) {
  if (mode === 'raw') {
    const socket = new WebSocket(url);
    socket.on('message', (data) => onEvent(i, (JSON.parse(String(data)) as { occurredAt: string }).occurredAt));
    sockets.push(socket);
    continue;
  }
  // Retries like a dashboard would: when thousands connect at once on a busy machine, a socket
  // may miss the gateway's connection_init deadline (4408) and has to connect again.
  const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 10, lazy: false, connectionParams: { authorization: `Bearer ${token}` }, onNonLazyError: () => {},
    on: { closed: (event) => void (closes[String((event as { code?: number }).code)] = (closes[String((event as { code?: number }).code)] ?? 0) + 1) } });
  clients.push(client);
  client.subscribe<{ deviceCheckedIn: { occurredAt: string } }>(
    { query },
    { next: (result) => onEvent(i, result.data!.deviceCheckedIn.occurredAt), error: () => {}, complete: () => {} },
  );
}

process.on('message', (message: string) => {
  if (message === 'status') process.send!({ type: 'status', primed: seen.reduce((a, b) => a + b, 0), closes });
  if (message === 'measure') {
    measuring = true;
    received = 0;
    latencies = [];
    process.send!({ type: 'measuring' });
  }
  if (message === 'report') {
    const sorted = latencies.slice().sort((a, b) => a - b);
    process.send!({ type: 'report', received, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), rssMiB: Math.round(process.memoryUsage().rss / 1048576) });
  }
  if (message === 'exit') {
    for (const socket of sockets) socket.terminate();
    void Promise.all(clients.map((c) => c.dispose())).then(() => process.exit(0));
  }
});
process.send!({ type: 'started' });

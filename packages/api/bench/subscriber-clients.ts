// Child process of the `subscribers` load benchmark: N WebSocket subscribers, one socket each.
// Mode `graphql`: graphql-ws clients with the token, subscribed to `deviceCheckedIn`; mode `raw`
// (the baseline): plain `ws` sockets that receive a `next` message of the same shape from a bare
// broadcast server. IPC: 'status' → how many have received anything; 'measure' → reset counters;
// { type: 'published', times } → when each event (key: "deviceId occurredAt") was published, in
// epoch ms from the publisher's process; 'report' → received count, latency percentiles from the
// event's `occurredAt` (end to end: stamped by the server when it started the request that raised
// the event) and, for the events given in 'published', from publication, and this process's RSS.
// Receipt is stamped when the message event reaches the subscriber (sub-millisecond clock, the
// same epoch in every process of the machine).
// argv: mode url count token
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { percentile } from './load-harness.js';

const [mode, url, countArg, token] = process.argv.slice(2) as ['graphql' | 'raw', string, string, string];
const count = Number(countArg);
const query = 'subscription { deviceCheckedIn { deviceId occurredAt device { id lastSyncDateTime } } }';
type Event = { deviceId: string; occurredAt: string };
/** Epoch milliseconds with a fraction (performance.timeOrigin is the process's start on the same clock). */
const now = () => performance.timeOrigin + performance.now();

const seen = new Uint8Array(count);
let latencies: number[] = [];
/** Per delivery while measuring: its event's key and when it arrived (for latency from publication). */
let keys: string[] = [];
let arrivals: number[] = [];
let published: Record<string, number> = {};
let measuring = false;
let received = 0;
const clients: Client[] = [];
let cpuMark = process.cpuUsage();
const cpuMsSince = (mark: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(mark);
  return (used.user + used.system) / 1000;
};
/** Socket closes by close code (reported with 'status', to explain subscribers that never primed). */
const closes: Record<string, number> = {};
const sockets: WebSocket[] = [];

const onEvent = (i: number, event: Event) => {
  seen[i] = 1;
  if (!measuring) return;
  const at = now();
  received++;
  latencies.push(at - Date.parse(event.occurredAt));
  keys.push(`${event.deviceId} ${event.occurredAt}`);
  arrivals.push(at);
};

/** Connections opened but not yet acknowledged; at most CONNECTING_AT_ONCE (no SYN storm of 5,000). */
const CONNECTING_AT_ONCE = 200;
let connecting = 0;
let wake: (() => void) | undefined;
const settled = () => {
  connecting--;
  wake?.();
};

for (let i = 0; i < count; i++) {
  while (connecting >= CONNECTING_AT_ONCE) await new Promise<void>((resolve) => (wake = resolve));
  connecting++;
  if (mode === 'raw') {
    const socket = new WebSocket(url);
    socket.on('message', (data) =>
      onEvent(
        i,
        (JSON.parse(String(data)) as { payload: { data: { deviceCheckedIn: Event } } }).payload.data
          .deviceCheckedIn,
      ),
    );
    socket.once('open', settled);
    socket.once('error', settled);
    sockets.push(socket);
    continue;
  }
  // Retries like a dashboard would: when thousands connect at once on a busy machine, a socket
  // may miss the gateway's connection_init deadline (4408) and has to connect again.
  const done = once(settled);
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    retryAttempts: 10,
    lazy: false,
    connectionParams: { authorization: `Bearer ${token}` },
    onNonLazyError: () => {},
    on: {
      connected: done,
      closed: (event) => {
        done();
        const code = String((event as { code?: number }).code);
        closes[code] = (closes[code] ?? 0) + 1;
      },
    },
  });
  clients.push(client);
  client.subscribe<{ deviceCheckedIn: Event }>(
    { query },
    {
      next: (result) => onEvent(i, result.data!.deviceCheckedIn),
      error: () => {},
      complete: () => {},
    },
  );
}

/** `fn` on its first call only. */
function once(fn: () => void): () => void {
  let called = false;
  return () => {
    if (!called) fn();
    called = true;
  };
}

process.on('message', (message: string | { type: 'published'; times: Record<string, number> }) => {
  if (typeof message === 'object') {
    published = message.times;
    return;
  }
  if (message === 'status')
    process.send!({ type: 'status', primed: seen.reduce((a, b) => a + b, 0), closes });
  if (message === 'measure') {
    measuring = true;
    cpuMark = process.cpuUsage();
    received = 0;
    latencies = [];
    keys = [];
    arrivals = [];
    published = {};
    process.send!({ type: 'measuring' });
  }
  if (message === 'report') {
    const sorted = latencies.slice().sort((a, b) => a - b);
    const fromPublish: number[] = [];
    /** Per event, its first delivery from publication: how long before the server's first write arrived. */
    const first = new Map<string, number>();
    keys.forEach((key, n) => {
      const at = published[key];
      if (at === undefined) return;
      const latency = arrivals[n]! - at;
      fromPublish.push(latency);
      first.set(key, Math.min(first.get(key) ?? Infinity, latency));
    });
    fromPublish.sort((a, b) => a - b);
    const firsts = [...first.values()].sort((a, b) => a - b);
    process.send!({
      type: 'report',
      received,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      published: {
        deliveries: fromPublish.length,
        p50: percentile(fromPublish, 50),
        p95: percentile(fromPublish, 95),
        p99: percentile(fromPublish, 99),
        firstP50: percentile(firsts, 50),
      },
      rssMiB: Math.round(process.memoryUsage().rss / 1048576),
      cpuMs: cpuMsSince(cpuMark),
    });
  }
  if (message === 'exit') {
    for (const socket of sockets) socket.terminate();
    void Promise.all(clients.map((c) => c.dispose())).then(() => process.exit(0));
  }
});
process.send!({ type: 'started' });

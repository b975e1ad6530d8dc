// The asynchronous side of a VU's blocking I/O. k6 scripts call `http.post` and `ws.connect` as
// blocking functions; a VU thread calls this worker through synckit (Atomics.wait on a shared
// buffer) and this worker does the real, asynchronous fetch and WebSocket work.
import { performance } from 'node:perf_hooks';
import { runAsWorker } from 'synckit';
import WebSocket from 'ws';

/** @typedef {{ type: 'message', data: string } | { type: 'close', code: number } | { type: 'error', error: string }} SocketEvent */
/** @type {Map<number, { socket: WebSocket, events: SocketEvent[], wake: (() => void) | null }>} */
const sockets = new Map();
let nextSocketId = 1;

runAsWorker(async (/** @type {any} */ request) => {
  switch (request.op) {
    case 'http':
      return http(request);
    case 'wsOpen':
      return wsOpen(request);
    case 'wsPoll':
      return wsPoll(request.id, request.timeoutMs);
    case 'wsSend':
      sockets.get(request.id)?.socket.send(request.data);
      return null;
    case 'wsClose':
      sockets.get(request.id)?.socket.close(request.code);
      return null;
    default:
      throw new Error(`unknown I/O operation ${request.op}`);
  }
});

/**
 * One HTTP request. A transport failure is a response with status 0 and an error, as in k6.
 * @param {{ method: string, url: string, body?: string, headers: Record<string, string>, timeoutMs: number }} request
 */
async function http(request) {
  const started = performance.now();
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    const body = await response.text();
    return {
      status: response.status,
      body,
      headers: Object.fromEntries(response.headers),
      error: '',
      durationMs: performance.now() - started,
    };
  } catch (error) {
    return {
      status: 0,
      body: null,
      headers: {},
      error: String(/** @type {Error} */ (error).cause ?? error),
      durationMs: performance.now() - started,
    };
  }
}

/**
 * Opens a WebSocket and waits for the handshake; events are queued until polled.
 * @param {{ url: string, headers: Record<string, string> }} request
 */
function wsOpen(request) {
  const protocols = (request.headers['Sec-WebSocket-Protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const headers = Object.fromEntries(
    Object.entries(request.headers).filter(([name]) => name.toLowerCase() !== 'sec-websocket-protocol'),
  );
  const started = performance.now();
  const socket = new WebSocket(request.url, protocols, { headers });
  const id = nextSocketId++;
  /** @type {{ socket: WebSocket, events: SocketEvent[], wake: (() => void) | null }} */
  const entry = { socket, events: [], wake: null };
  const push = (/** @type {SocketEvent} */ event) => {
    entry.events.push(event);
    entry.wake?.();
  };
  socket.on('message', (data) => push({ type: 'message', data: data.toString() }));
  socket.on('close', (code) => push({ type: 'close', code }));
  return new Promise((resolve) => {
    socket.once('open', () => {
      sockets.set(id, entry);
      socket.on('error', (error) => push({ type: 'error', error: error.message }));
      resolve({ id, status: 101, error: '', connectingMs: performance.now() - started });
    });
    socket.once('unexpected-response', (_req, response) => {
      socket.removeAllListeners();
      resolve({
        id: 0,
        status: response.statusCode ?? 0,
        error: `unexpected response ${response.statusCode}`,
        connectingMs: performance.now() - started,
      });
    });
    socket.once('error', (error) =>
      resolve({ id: 0, status: 0, error: error.message, connectingMs: performance.now() - started }),
    );
  });
}

/**
 * The socket's queued events, waiting up to `timeoutMs` for the first one. A close event ends
 * the socket's life here.
 * @param {number} id @param {number} timeoutMs
 */
async function wsPoll(id, timeoutMs) {
  const entry = sockets.get(id);
  if (!entry) return [{ type: 'close', code: 1006 }];
  if (entry.events.length === 0 && timeoutMs > 0) {
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      entry.wake = () => {
        clearTimeout(timer);
        resolve(undefined);
      };
    });
    entry.wake = null;
  }
  const events = entry.events.splice(0);
  if (events.some((e) => e.type === 'close')) sockets.delete(id);
  return events;
}

// `k6/ws`: `connect` blocks the VU while the socket is open, running the handlers the callback
// registered and the socket's timers, as k6's event loop does; it returns the handshake response.
import { blockingIo, emit } from '../vu-runtime.mjs';

/**
 * Opens `url`, calls `callback(socket)` to register handlers, then runs the socket until it
 * closes. @param {string} url @param {{ headers?: Record<string, string>, tags?: Record<string, string> }} params
 * @param {(socket: any) => void} callback
 */
export function connect(url, params, callback) {
  const tags = { url, ...(params?.tags ?? {}) };
  const opened = blockingIo({ op: 'wsOpen', url, headers: params?.headers ?? {} });
  emit('ws_connecting', 'trend', opened.connectingMs, tags, 'time');
  if (opened.status !== 101) return { url, status: opened.status, error: opened.error };

  const started = Date.now();
  /** @type {Record<string, ((...args: any[]) => void)[]>} */
  const handlers = {};
  /** @type {{ at: number, every: number, fn: () => void }[]} */
  let timers = [];
  let closed = false;
  const socket = {
    /** @param {string} event @param {(...args: any[]) => void} handler */
    on(event, handler) {
      (handlers[event] ??= []).push(handler);
    },
    /** @param {string} data */
    send(data) {
      if (closed) return;
      blockingIo({ op: 'wsSend', id: opened.id, data });
      emit('ws_msgs_sent', 'counter', 1, tags);
    },
    /** @param {number} [code] */
    close(code = 1000) {
      if (!closed) blockingIo({ op: 'wsClose', id: opened.id, code });
    },
    /** @param {() => void} fn @param {number} ms */
    setTimeout(fn, ms) {
      timers.push({ at: Date.now() + ms, every: 0, fn });
    },
    /** @param {() => void} fn @param {number} ms */
    setInterval(fn, ms) {
      timers.push({ at: Date.now() + ms, every: ms, fn });
    },
  };
  const fire = (/** @type {string} */ event, /** @type {any[]} */ ...args) => {
    for (const handler of handlers[event] ?? []) handler(...args);
  };

  callback(socket);
  fire('open');
  while (!closed) {
    const now = Date.now();
    for (const timer of timers.filter((t) => t.at <= now)) {
      timer.fn();
      if (timer.every > 0) timer.at += timer.every;
    }
    timers = timers.filter((t) => t.every > 0 || t.at > now);
    if (closed) break;
    const nextTimer = Math.min(...timers.map((t) => t.at), Date.now() + 1000);
    const events = blockingIo({
      op: 'wsPoll',
      id: opened.id,
      timeoutMs: Math.max(0, nextTimer - Date.now()),
    });
    for (const event of events) {
      if (event.type === 'message') {
        emit('ws_msgs_received', 'counter', 1, tags);
        fire('message', event.data);
      } else if (event.type === 'error') {
        fire('error', { error: () => event.error });
      } else {
        closed = true;
        fire('close', event.code);
      }
    }
  }
  emit('ws_sessions', 'counter', 1, tags);
  emit('ws_session_duration', 'trend', Date.now() - started, tags, 'time');
  return { url, status: 101, error: '' };
}

export default { connect };

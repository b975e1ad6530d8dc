// One graphql-ws subscriber over k6/ws (available in every k6 release), speaking the
// graphql-transport-ws protocol: connection_init carrying the token, subscribe, pong to pings,
// and a latency sample per event (client receipt minus the event's own timestamp).
import ws from 'k6/ws';
import { WS_URL, requireToken } from './config.js';

const token = requireToken();

/**
 * Holds one subscription open for `holdMs` and calls `onEvent(data, latencyMs)` per `next`
 * message; `timestampOf(data)` picks the event time (ISO string) from the payload.
 * @param {{ query: string, variables?: Record<string, unknown>, holdMs: number,
 *   timestampOf: (data: any) => string, onEvent: (data: any, latencyMs: number) => void,
 *   onError: (message: string) => void, onAck?: () => void }} options
 */
export function subscribe(options) {
  return ws.connect(
    WS_URL,
    { headers: { 'Sec-WebSocket-Protocol': 'graphql-transport-ws' }, tags: { name: 'graphql-ws' } },
    (socket) => {
      socket.on('open', () =>
        socket.send(
          JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }),
        ),
      );
      socket.on('message', (raw) => {
        const message = JSON.parse(raw);
        if (message.type === 'connection_ack') {
          socket.send(
            JSON.stringify({
              id: '1',
              type: 'subscribe',
              payload: { query: options.query, variables: options.variables || {} },
            }),
          );
          if (options.onAck) options.onAck();
        } else if (message.type === 'next') {
          const data = message.payload && message.payload.data;
          if (!data) return options.onError(JSON.stringify(message.payload && message.payload.errors));
          options.onEvent(data, Date.now() - Date.parse(options.timestampOf(data)));
        } else if (message.type === 'ping') {
          socket.send(JSON.stringify({ type: 'pong' }));
        } else if (message.type === 'error') {
          options.onError(JSON.stringify(message.payload));
        }
      });
      socket.on('close', (code) => {
        if (code !== 1000 && code !== 1005) options.onError(`closed with ${code}`);
      });
      socket.setTimeout(() => {
        socket.send(JSON.stringify({ id: '1', type: 'complete' }));
        socket.close(1000);
      }, options.holdMs);
    },
  );
}

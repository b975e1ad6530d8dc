import type { WebSocket } from 'ws';

/** FIN + text opcode: the first byte of an unfragmented, uncompressed text frame (RFC 6455 5.2). */
const FIN_TEXT = 0x81;

/**
 * One unmasked (server-to-client), unfragmented, uncompressed WebSocket text frame whose payload
 * is `parts` one after the other: the bytes `ws` writes for `send(Buffer.concat(parts), { binary:
 * false })` on a socket without permessage-deflate (a test compares them byte for byte), in one
 * buffer with a single copy of each part.
 * @param parts UTF-8 bytes of the text, in order
 */
export function textFrame(parts: readonly Buffer[]): Buffer {
  let length = 0;
  for (const part of parts) length += part.length;
  const header = length > 65535 ? 10 : length > 125 ? 4 : 2;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = FIN_TEXT;
  if (header === 2) frame[1] = length;
  else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  let offset = header;
  for (const part of parts) offset += part.copy(frame, offset);
  return frame;
}

/** What `ws` keeps per socket to write frames (its internal `Sender`); read only to know it is idle. */
interface FrameWriter {
  /** ws 8.17+: 0 while no compression or Blob read is pending. */
  _state?: number;
  /** Older ws: a compression is pending. */
  _deflating?: boolean;
  /** Frames waiting behind a pending compression or Blob read. */
  _queue?: unknown[];
  sendFrame(list: Buffer[], cb?: (error?: Error) => void): void;
}

/**
 * Writes the text made of `parts` to `socket` as one frame in one socket write when `ws` would
 * write it straight away anyway (no permessage-deflate negotiated, nothing queued in its sender):
 * the frame built once by {@link textFrame} instead of `ws` building a header and corking the
 * socket for a two-buffer `writev`. Otherwise, or with a `ws` whose sender does not look as
 * expected, `socket.send`. The caller checks that the socket is open.
 *
 * Why: a shared subscription result goes to thousands of sockets per event; per socket, the
 * frame header allocation, the concatenation, cork/uncork and the two-buffer write were the
 * fan-out's own CPU around the one write syscall every socket costs.
 */
export function sendTextFrame(socket: WebSocket, parts: readonly Buffer[]): void {
  const writer = (socket as unknown as { _sender?: FrameWriter })._sender;
  if (
    socket.extensions === '' &&
    writer !== undefined &&
    typeof writer.sendFrame === 'function' &&
    (writer._state ?? 0) === 0 &&
    writer._deflating !== true &&
    writer._queue?.length === 0
  ) {
    writer.sendFrame([textFrame(parts)]);
    return;
  }
  socket.send(Buffer.concat(parts), { binary: false });
}

/**
 * The seam between the HTTP edge and the device protocols (Apple's MDM check-in and command
 * endpoints, SCEP, enrollment profiles). A protocol module describes its routes with these
 * transport-free types; the edge (server/http-handler.ts) mounts them, reads the body within the
 * route's limit, and writes the response. Handlers never see `node:http` objects, so the same route
 * runs unchanged behind any HTTP framework.
 */

/** An HTTP request as a protocol handler sees it. */
export interface ProtocolRequest {
  method: string;
  /** The path without its query string, e.g. `/mdm/checkin`. */
  path: string;
  query: URLSearchParams;
  /** Header names in lower case; repeated headers joined with `, `. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The raw body (empty for GET), at most the route's `bodyLimitBytes`. */
  body: Buffer;
  /** The peer's address, or null when unknown. */
  clientAddress: string | null;
  /** The request id of the access log line (also sent back in `x-request-id`). */
  requestId: string;
}

/** What a protocol handler answers. */
export interface ProtocolResponse {
  status: number;
  /** Header names in lower case, e.g. `{ 'content-type': 'application/x-apple-aspen-config' }`. */
  headers?: Record<string, string>;
  body?: Buffer | string;
}

/** One route of a device protocol. */
export interface ProtocolRoute {
  method: 'GET' | 'POST' | 'PUT';
  /** Exact path, e.g. `/scep`. */
  path: string;
  /** Largest accepted body in bytes; larger requests get 413 before the handler runs. Default: the edge's limit. */
  bodyLimitBytes?: number;
  handle(request: ProtocolRequest): Promise<ProtocolResponse>;
}

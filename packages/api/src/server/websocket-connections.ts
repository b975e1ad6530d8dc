/**
 * The authenticated graphql-ws connections of one instance, by API token: what the per-token
 * connection limit counts, and what is closed when a token is revoked or expires.
 * `C` is whatever identifies a connection (graphql-ws's per-socket context).
 */
export class TokenConnections<C> {
  private readonly byToken = new Map<string, Set<C>>();

  /** @param maxPerToken most connections one token may hold at once (WS_MAX_CONNECTIONS_PER_TOKEN) */
  constructor(private readonly maxPerToken: number) {}

  /**
   * Registers `connection` under `tokenId`.
   * @returns false, registering nothing, when the token already holds `maxPerToken` connections
   */
  add(tokenId: string, connection: C): boolean {
    let connections = this.byToken.get(tokenId);
    if (!connections) this.byToken.set(tokenId, (connections = new Set()));
    if (connections.size >= this.maxPerToken) return false;
    connections.add(connection);
    return true;
  }

  /** Forgets `connection` (closed); nothing happens when it was not registered. */
  remove(tokenId: string, connection: C): void {
    const connections = this.byToken.get(tokenId);
    if (!connections) return;
    connections.delete(connection);
    if (connections.size === 0) this.byToken.delete(tokenId);
  }

  /** The connections of `tokenId` now (a copy: closing them while iterating is safe). */
  of(tokenId: string): C[] {
    return [...(this.byToken.get(tokenId) ?? [])];
  }

  /** Tokens that hold at least one connection. */
  tokenIds(): string[] {
    return [...this.byToken.keys()];
  }
}

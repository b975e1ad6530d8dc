import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import type { EventBus } from '../../events/event-bus.js';
import { Topic, type ApiTokenRevokedPayload } from '../../events/topics.js';
import type { Clock } from '../../shared/clock.js';
import { NotFoundError } from '../../shared/domain-error.js';
import { validateInput } from '../../shared/validation.js';
import { userPrincipalNameSchema } from '../user/user-principal-name.js';
import { ApiToken } from './api-token.entity.js';
import type { ApiTokenStore } from './api-token.store.js';
import type { Principal } from './principal.js';
import { Role } from './role.enum.js';

/** Prefix of every secret, so leaked tokens are easy to recognise (e.g. by secret scanners). */
const SECRET_PREFIX = 'mdm_';
/** `lastUsedDateTime` is written at most this often per token, to keep reads write-free. */
const LAST_USED_RESOLUTION_MS = 60_000;

const createTokenSchema = z.object({
  name: z.string().trim().min(1).max(128),
  role: z.enum([Role.ADMIN, Role.OPERATOR, Role.READER, Role.ENROLLER], {
    error: 'must be ADMIN, OPERATOR, READER or ENROLLER',
  }),
  expiresDateTime: z.date().nullish(),
  userPrincipalName: userPrincipalNameSchema.nullish(),
});

/** SHA-256 (hex) of a token secret: what the database stores and looks up. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A new random secret: `mdm_` + 256 random bits in base64url. */
function generateSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/**
 * Issues, revokes and verifies API tokens. A revocation is published on the event bus
 * (`Topic.ApiTokenRevoked`): every instance that listens ({@link listenForRevocations}) forgets
 * the token at once; one that does not hear it (no shared bus) stops accepting it within the
 * cache time.
 */
export class ApiTokenService {
  /** Verified tokens by hash, for `cacheTtlMs`; a revocation on another instance is seen after at most that long. */
  private readonly cache: LRUCache<string, { principal: Principal; expires: Date | null; lastUsed: number }>;

  /**
   * @param events where revocations are published after they commit; optional (tests of the
   *   service alone)
   */
  constructor(
    private readonly clock: Clock,
    private readonly forkEntityManager: () => EntityManager,
    cacheTtlMs: number,
    private readonly store: ApiTokenStore,
    private readonly events?: EventBus,
  ) {
    this.cache = new LRUCache({ max: 10_000, ttl: Math.max(cacheTtlMs, 1) });
  }

  /**
   * Forgets revoked tokens as their revocation arrives from any instance (Redis when REDIS_URL is
   * set), so this instance refuses them at once rather than after the cache time.
   * @returns a function that stops listening
   */
  listenForRevocations(events: EventBus): () => void {
    return events.onEvent(Topic.ApiTokenRevoked, (payload) =>
      this.forget((payload as ApiTokenRevokedPayload).tokenId),
    );
  }

  /**
   * The ids among `tokenIds` whose tokens are neither revoked nor expired now, read from the
   * database (not the cache): what long-lived connections are re-checked against.
   */
  async stillValid(tokenIds: readonly string[]): Promise<Set<string>> {
    if (tokenIds.length === 0) return new Set();
    const now = this.clock.now();
    const tokens = await this.store.unrevokedAmong(this.forkEntityManager(), tokenIds);
    return new Set(tokens.filter((t) => !t.expiresDateTime || t.expiresDateTime >= now).map((t) => t.id));
  }

  /** Drops every cached verification of token `tokenId`. */
  private forget(tokenId: string): void {
    for (const [hash, entry] of this.cache.entries())
      if (entry.principal.tokenId === tokenId) this.cache.delete(hash);
  }

  /**
   * Creates a token; the secret is returned here and never again.
   * @throws InputValidationError for a bad name, role (DEVICE cannot be given to a token), UPN, or an expiry in the past
   */
  async create(em: EntityManager, input: unknown): Promise<{ token: ApiToken; secret: string }> {
    const now = this.clock.now();
    const command = validateInput(
      createTokenSchema.refine((c) => !c.expiresDateTime || c.expiresDateTime > now, {
        path: ['expiresDateTime'],
        message: 'must be in the future',
        params: { rule: 'future' },
      }),
      input,
      'input',
    );
    const secret = generateSecret();
    const token = em.create(ApiToken, {
      name: command.name,
      role: command.role,
      secretHash: hashSecret(secret),
      secretPrefix: secret.slice(0, 12),
      userPrincipalName: command.userPrincipalName ?? null,
      createdDateTime: now,
      expiresDateTime: command.expiresDateTime ?? null,
    });
    await em.flush();
    return { token, secret };
  }

  /**
   * Revokes a token: at once on this instance, and on the others as the revocation event reaches
   * them (connections opened with it are closed there too). @throws NotFoundError, InputValidationError
   */
  async revoke(em: EntityManager, id: string): Promise<ApiToken> {
    const tokenId = validateInput(z.uuid(), id, 'id');
    const token = await this.store.byId(em, tokenId);
    if (!token) throw new NotFoundError('ApiToken', tokenId);
    token.revokedDateTime ??= this.clock.now();
    await em.flush();
    this.cache.delete(token.secretHash);
    void this.events?.publishCommitted([{ topic: Topic.ApiTokenRevoked, payload: { tokenId: token.id } }]);
    return token;
  }

  /** Every token, newest first (a few dozen in practice; the list is capped at 1,000). */
  list(em: EntityManager): Promise<ApiToken[]> {
    return this.store.newestFirst(em, 1000);
  }

  /**
   * The principal of a presented secret, or null when it is unknown, revoked or expired.
   * Costs no SQL while the token is cached; records the last use at most once a minute.
   */
  async authenticate(secret: string): Promise<Principal | null> {
    if (!secret.startsWith(SECRET_PREFIX) || secret.length > 256) return null;
    const hash = hashSecret(secret);
    const now = this.clock.now();
    let entry = this.cache.get(hash);
    if (!entry) {
      const token = await this.store.unrevokedBySecretHash(this.forkEntityManager(), hash);
      if (!token) return null;
      entry = {
        principal: {
          tokenId: token.id,
          name: token.name,
          role: token.role,
          userPrincipalName: token.userPrincipalName,
        },
        expires: token.expiresDateTime,
        lastUsed: token.lastUsedDateTime?.getTime() ?? 0,
      };
      this.cache.set(hash, entry);
    }
    if (entry.expires && entry.expires < now) return null;
    if (now.getTime() - entry.lastUsed >= LAST_USED_RESOLUTION_MS) {
      entry.lastUsed = now.getTime();
      await this.store.touchLastUsed(this.forkEntityManager(), entry.principal.tokenId, now);
    }
    return entry.principal;
  }

  /**
   * Makes sure an administrator can get in. With `configuredSecret` (ADMIN_TOKEN), that secret
   * is registered as the ADMIN token "bootstrap". Without it, the first start of an empty
   * database creates one and returns its secret, to be printed once.
   * @returns the generated secret, or null when none was generated
   */
  async ensureBootstrap(em: EntityManager, configuredSecret: string | undefined): Promise<string | null> {
    const now = this.clock.now();
    if (configuredSecret) {
      const hash = hashSecret(configuredSecret);
      // Instances starting together with the same ADMIN_TOKEN may race to register it: the
      // unique hash lets one insert win; for the others it is already there.
      await this.store.insertUnlessKnown(em, {
        id: randomUUID(),
        name: 'bootstrap',
        role: Role.ADMIN,
        secretHash: hash,
        secretPrefix: configuredSecret.slice(0, 12),
        createdDateTime: now,
      });
      return null;
    }
    if ((await this.store.count(em)) > 0) return null;
    const { secret } = await this.create(em, { name: 'bootstrap', role: Role.ADMIN });
    return secret;
  }

  /** Demo mode: revokes earlier demo tokens and creates a fresh ADMIN token "demo" to print. */
  async createDemoToken(em: EntityManager): Promise<string> {
    await this.store.revokeUnrevokedNamed(em, 'demo', this.clock.now());
    const { secret } = await this.create(em, { name: 'demo', role: Role.ADMIN });
    return secret;
  }
}

import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiToken } from './api-token.entity.js';

/** The columns of a token registered without the unit of work ({@link ApiTokenStore.insertUnlessKnown}). */
export type NewApiToken = Pick<
  ApiToken,
  'id' | 'name' | 'role' | 'secretHash' | 'secretPrefix' | 'createdDateTime'
>;

/** The queries about API tokens. Every method runs in the caller's entity manager. */
export class ApiTokenStore {
  /** The token with this id (UUID), revoked or not, or null. */
  byId(em: EntityManager, id: string): Promise<ApiToken | null> {
    return em.findOne(ApiToken, id);
  }

  /** The token whose secret has this hash (hex SHA-256), unless it is revoked; expired ones included. */
  unrevokedBySecretHash(em: EntityManager, secretHash: string): Promise<ApiToken | null> {
    return em.findOne(ApiToken, { secretHash, revokedDateTime: null });
  }

  /**
   * The tokens among `ids` (UUIDs) that are not revoked, expired ones included, with only `id`
   * and `expiresDateTime` loaded; unknown ids are left out. One statement.
   */
  unrevokedAmong(
    em: EntityManager,
    ids: readonly string[],
  ): Promise<Pick<ApiToken, 'id' | 'expiresDateTime'>[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return em.find(
      ApiToken,
      { id: { $in: [...ids] }, revokedDateTime: null },
      { fields: ['id', 'expiresDateTime'] },
    );
  }

  /** At most `limit` tokens, revoked ones included, newest first (`createdDateTime`, then `id`). */
  newestFirst(em: EntityManager, limit: number): Promise<ApiToken[]> {
    return em.find(ApiToken, {}, { orderBy: { createdDateTime: 'desc', id: 'desc' }, limit });
  }

  /** How many tokens exist, revoked and expired ones included. */
  count(em: EntityManager): Promise<number> {
    return em.count(ApiToken);
  }

  /** Sets the last use of token `id` to `at`, outside the unit of work; an unknown id is ignored. */
  async touchLastUsed(em: EntityManager, id: string, at: Date): Promise<void> {
    await em.nativeUpdate(ApiToken, { id }, { lastUsedDateTime: at });
  }

  /**
   * Revokes, as of `at`, every unrevoked token named `name`, outside the unit of work.
   * @returns how many tokens it revoked
   */
  revokeUnrevokedNamed(em: EntityManager, name: string, at: Date): Promise<number> {
    return em.nativeUpdate(ApiToken, { name, revokedDateTime: null }, { revokedDateTime: at });
  }

  /**
   * Inserts `token` at once (outside the unit of work) unless a token with its secret hash
   * exists, e.g. registered by another instance starting at the same moment.
   * @returns whether this call inserted it
   */
  async insertUnlessKnown(em: EntityManager, token: NewApiToken): Promise<boolean> {
    try {
      await em.insert(ApiToken, token);
      return true;
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) return false;
      throw error;
    }
  }
}

import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * The gateway's issuing CA as stored in the database: one row, created on first start by
 * whichever instance gets there first (insert ... on conflict do nothing). The private key is
 * sealed (private-key-seal.ts) under CA_KEY_SECRET.
 */
@Entity({ tableName: 'certificate_authority' })
export class CertificateAuthorityRecord {
  /** Always `issuing`: the single CA of this deployment. */
  @PrimaryKey({ type: 'string', length: 32 })
  id!: string;

  @Property({ type: 'text' })
  certificatePem!: string;

  /** `mdm-sealed-key:v1:...` (scrypt + AES-256-GCM). */
  @Property({ type: 'text' })
  sealedPrivateKey!: string;

  /**
   * Only outside production, when CA_KEY_SECRET was not configured: the secret generated on
   * first start. Kept beside the sealed key it protects, so it protects nothing; it exists so
   * that development setups (several instances, restarts) keep working without configuration.
   */
  @Property({ type: 'text', nullable: true })
  generatedKeySecret!: string | null;

  @Property({ type: 'timestamptz' })
  createdDateTime!: Date;
}

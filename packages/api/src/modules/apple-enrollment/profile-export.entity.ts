import { createHash, randomUUID } from 'node:crypto';
import { Entity, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { AppleEnrollmentProfile } from './enrollment-profile.entity.js';

/** SHA-256 hex of an export or bulk token; only the hash is stored. */
export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * An export of a Configurator profile: USB-SA → an enrollment URL, USB-Direct → a
 * `.mobileconfig` valid two weeks. The secret token inside it is stored only as a hash.
 */
@Entity({ tableName: 'apple_profile_export' })
export class AppleProfileExport {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => AppleEnrollmentProfile, { ref: true, deleteRule: 'cascade' })
  profile!: Ref<AppleEnrollmentProfile>;

  @Property({ type: 'string', length: 64, unique: true })
  tokenHash!: string;

  @Property({ type: 'timestamptz' })
  exportedDateTime!: Date;

  /** Null for an enrollment URL (USB-SA); two weeks after export for a `.mobileconfig` (USB-Direct). */
  @Property({ type: 'timestamptz', nullable: true })
  expiresDateTime: Date | null = null;
}

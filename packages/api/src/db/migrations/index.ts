import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261129000000_initial } from './Migration20261129000000_initial.js';
import { Migration20261130000100_auth_audit } from './Migration20261130000100_auth_audit.js';
import { Migration20261130010100_certificates } from './Migration20261130010100_certificates.js';
import { Migration20261130020000_enrollmentRules } from './Migration20261130020000_enrollmentRules.js';
import { Migration20261130020100_imports } from './Migration20261130020100_imports.js';
import { Migration20261130030000_lifecycleDerivedStatus } from './Migration20261130030000_lifecycleDerivedStatus.js';
import { Migration20261130040000_devicePlatformPageIndex } from './Migration20261130040000_devicePlatformPageIndex.js';
import { Migration20261130050000_deviceChildrenSetBasedDelete } from './Migration20261130050000_deviceChildrenSetBasedDelete.js';
import { Migration20261203060000_enrollmentInvitations } from './Migration20261203060000_enrollmentInvitations.js';
import { Migration20261203070000_appleMdmProtocol } from './Migration20261203070000_appleMdmProtocol.js';
import { Migration20261203080000_pendingEnrollmentDeviceIndex } from './Migration20261203080000_pendingEnrollmentDeviceIndex.js';
import { Migration20261203270000_identityRenewal } from './Migration20261203270000_identityRenewal.js';
import { Migration20261203270100_pendingEnrollmentAbandonedIndex } from './Migration20261203270100_pendingEnrollmentAbandonedIndex.js';
import { Migration20261203290000_mdmCommandQueueOrder } from './Migration20261203290000_mdmCommandQueueOrder.js';
import { Migration20261204160000_corporateIdentifierSerialUpperIndex } from './Migration20261204160000_corporateIdentifierSerialUpperIndex.js';
import { Migration20261204170000_appleUserEnrollmentType } from './Migration20261204170000_appleUserEnrollmentType.js';
import { Migration20261203270200_checkInMessageDigests } from './Migration20261203270200_checkInMessageDigests.js';

/**
 * Every migration, in order. Listed explicitly (not discovered from the file system) so the
 * same list runs from TypeScript sources in tests and from compiled JavaScript in production.
 */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261129000000_initial', class: Migration20261129000000_initial },
  { name: 'Migration20261130000100_auth_audit', class: Migration20261130000100_auth_audit },
  { name: 'Migration20261130010100_certificates', class: Migration20261130010100_certificates },
  { name: 'Migration20261130020000_enrollmentRules', class: Migration20261130020000_enrollmentRules },
  { name: 'Migration20261130020100_imports', class: Migration20261130020100_imports },
  {
    name: 'Migration20261130030000_lifecycleDerivedStatus',
    class: Migration20261130030000_lifecycleDerivedStatus,
  },
  {
    name: 'Migration20261130040000_devicePlatformPageIndex',
    class: Migration20261130040000_devicePlatformPageIndex,
  },
  {
    name: 'Migration20261130050000_deviceChildrenSetBasedDelete',
    class: Migration20261130050000_deviceChildrenSetBasedDelete,
  },
  {
    name: 'Migration20261203060000_enrollmentInvitations',
    class: Migration20261203060000_enrollmentInvitations,
  },
  { name: 'Migration20261203070000_appleMdmProtocol', class: Migration20261203070000_appleMdmProtocol },
  {
    name: 'Migration20261203080000_pendingEnrollmentDeviceIndex',
    class: Migration20261203080000_pendingEnrollmentDeviceIndex,
  },
  { name: 'Migration20261203270000_identityRenewal', class: Migration20261203270000_identityRenewal },
  {
    name: 'Migration20261203270100_pendingEnrollmentAbandonedIndex',
    class: Migration20261203270100_pendingEnrollmentAbandonedIndex,
  },
  {
    name: 'Migration20261203270200_checkInMessageDigests',
    class: Migration20261203270200_checkInMessageDigests,
  },
  {
    name: 'Migration20261203290000_mdmCommandQueueOrder',
    class: Migration20261203290000_mdmCommandQueueOrder,
  },
  {
    name: 'Migration20261204160000_corporateIdentifierSerialUpperIndex',
    class: Migration20261204160000_corporateIdentifierSerialUpperIndex,
  },
  {
    name: 'Migration20261204170000_appleUserEnrollmentType',
    class: Migration20261204170000_appleUserEnrollmentType,
  },
];

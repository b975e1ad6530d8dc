import { registerEnumType } from 'type-graphql';

/**
 * Who may use an operation. Every query field, mutation and subscription names its roles with
 * `@Roles(...)` (roles.decorator.ts), written into the schema; a test walks the whole role ×
 * operation matrix over both transports.
 */
export enum Role {
  /** Everything, including token management and the audit log. */
  ADMIN = 'ADMIN',
  /** Reads everything, performs device actions and imports. */
  OPERATOR = 'OPERATOR',
  /** Read-only (the dashboard's default). */
  READER = 'READER',
  /** A DEM account or integration that enrolls devices within its caps, and nothing else. */
  ENROLLER = 'ENROLLER',
  /**
   * The device itself: needs no API token, because the operation authenticates the device by
   * the credential of its MDM certificate (check-in proof). Only for device-facing operations.
   */
  DEVICE = 'DEVICE',
}

registerEnumType(Role, {
  name: 'Role',
  description: 'Roles of API tokens (and DEVICE, for operations a device performs as itself).',
});

/** Roles that may read fleet data (queries and subscriptions). */
export const READ_ROLES = [Role.ADMIN, Role.OPERATOR, Role.READER] as const;
/** Roles that may act on devices and run imports. */
export const OPERATE_ROLES = [Role.ADMIN, Role.OPERATOR] as const;
/** Roles that may enroll devices. */
export const ENROLL_ROLES = [Role.ADMIN, Role.OPERATOR, Role.ENROLLER] as const;

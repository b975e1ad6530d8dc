import type { DevicePlatform } from '../modules/catalog/platform.enum.js';
import type { EnrollmentMethodKind } from '../modules/catalog/enrollment-method-kind.enum.js';
import type { ManagedDeviceOwnerType } from '../modules/device/device.enums.js';

/**
 * Names of the event topics. Each maps to one JSON-safe payload type in {@link TopicPayloads},
 * so the same message can travel in-process or through Redis unchanged.
 */
export const Topic = {
  DeviceCheckedIn: 'device.checkedIn',
  DeviceEnrolled: 'device.enrolled',
  /**
   * A device record was removed: by the lifecycle sweeper (seed: 180 days after its certificate
   * expired) or by an admin's `deleteDevice`.
   */
  DeviceRemoved: 'device.removed',
  /**
   * A device's state that lists and detail views show changed outside enrollment and check-in:
   * ownership, a retire/wipe/unenroll request, or its completion at a check-in. One topic for
   * every such change; the payload says which (`change`, `changedFields`).
   */
  DeviceUpdated: 'device.updated',
  /** A check-in inside the renewal window replaced the device's certificate. */
  CertificateRenewed: 'certificate.renewed',
  /** The sweeper saw a certificate cross an expiring threshold (CERT_EXPIRING_THRESHOLDS_DAYS). */
  CertificateExpiring: 'certificate.expiring',
  /** The sweeper saw a certificate pass its notAfter. */
  CertificateExpired: 'certificate.expired',
  /**
   * An import job finished. Defined here for the imports feature to publish
   * (`events.publishCommitted([{ topic: Topic.ImportCompleted, payload }])`).
   */
  ImportCompleted: 'import.completed',
  /**
   * An API token was revoked: every instance drops it from its token cache and closes the
   * graphql-ws sockets it opened (not a GraphQL subscription topic).
   */
  ApiTokenRevoked: 'auth.tokenRevoked',
} as const;
export type Topic = (typeof Topic)[keyof typeof Topic];

/**
 * What every device event carries: enough to filter on the server (platform, owner, user)
 * without a database read, and the device id to load the rest. Dates are ISO-8601 UTC strings.
 */
export interface DeviceEventPayload {
  /** Managed device id (UUID). */
  deviceId: string;
  platform: DevicePlatform;
  managedDeviceOwnerType: ManagedDeviceOwnerType;
  enrollmentMethod: EnrollmentMethodKind;
  /** UPN of the affine user, or null for a userless device. */
  userPrincipalName: string | null;
  /** When the event happened (commit time of its transaction, from the injected clock). */
  occurredAt: string;
}

/**
 * Why a device changed (DeviceUpdatedPayload.change): an admin changed its ownership; an admin
 * requested a retire or wipe, or the user an unenroll (managementState → retirePending /
 * wipePending); the device checked in and carried out the pending action (→ retired / wiped); an
 * Apple device removed its MDM profile itself (CheckOut → retired).
 */
export type DeviceChangeKind =
  | 'OWNERSHIP_CHANGED'
  | 'RETIRE_REQUESTED'
  | 'WIPE_REQUESTED'
  | 'UNENROLL_REQUESTED'
  | 'ACTION_COMPLETED'
  | 'CHECKED_OUT';

/**
 * A device update. The device fields are its state after the change; `previous*` its owner type
 * and user before it, so a subscriber filtering on the old value also learns that the device left
 * its list (null when unchanged).
 */
export interface DeviceUpdatedPayload extends DeviceEventPayload {
  change: DeviceChangeKind;
  /** ManagedDevice field names whose value changed, e.g. `managementState`, `managedDeviceOwnerType`. */
  changedFields: string[];
  previousManagedDeviceOwnerType: ManagedDeviceOwnerType | null;
  previousUserPrincipalName: string | null;
}

/** A certificate event: the device fields (for filters) plus the certificate's identity. */
export interface CertificateEventPayload extends DeviceEventPayload {
  /** Certificate record id (UUID). */
  certificateId: string;
  /** Certificate serial number (uppercase hex). */
  serialNumber: string;
  /** notAfter, ISO-8601 UTC. */
  notAfter: string;
  /** Expiring events: the threshold crossed (days left < thresholdDays); null otherwise. */
  thresholdDays: number | null;
  /** Renewal events: the certificate that was superseded; null otherwise. */
  previousCertificateId: string | null;
}

/** One committed import: what was imported and what it did. Dates are ISO-8601 UTC strings. */
export interface ImportCompletedPayload {
  /** Import record id (UUID). */
  importId: string;
  /** ImportKind, e.g. `CORPORATE_IDENTIFIERS`. */
  kind: string;
  fileName: string;
  rowCount: number;
  newCount: number;
  unchangedCount: number;
  overwrittenCount: number;
  conflictingCount: number;
  deletedCount: number;
  rejectedRowCount: number;
  completedAt: string;
}

/** A revoked API token: its id only (never its secret or hash). */
export interface ApiTokenRevokedPayload {
  /** ApiToken id (UUID). */
  tokenId: string;
}

/** Topic → publish arguments, as `@graphql-yoga/subscription` types them. */
export interface TopicPayloads {
  [Topic.DeviceCheckedIn]: [DeviceEventPayload];
  [Topic.DeviceEnrolled]: [DeviceEventPayload];
  [Topic.DeviceRemoved]: [DeviceEventPayload];
  [Topic.DeviceUpdated]: [DeviceUpdatedPayload];
  [Topic.CertificateRenewed]: [CertificateEventPayload];
  [Topic.CertificateExpiring]: [CertificateEventPayload];
  [Topic.CertificateExpired]: [CertificateEventPayload];
  [Topic.ImportCompleted]: [ImportCompletedPayload];
  [Topic.ApiTokenRevoked]: [ApiTokenRevokedPayload];
  [key: string]: [] | [unknown];
}

/** One event waiting for its transaction to commit. */
export type PendingEvent = {
  [K in Topic]: { topic: K; payload: TopicPayloads[K][0] };
}[Topic];

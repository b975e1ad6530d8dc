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
  ImportCompleted: 'import.completed',
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

/** One committed import (issue 4): what was imported and what it did. Dates are ISO-8601 UTC strings. */
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

/** Topic → publish arguments, as `@graphql-yoga/subscription` types them. */
export interface TopicPayloads {
  [Topic.DeviceCheckedIn]: [DeviceEventPayload];
  [Topic.DeviceEnrolled]: [DeviceEventPayload];
  [Topic.ImportCompleted]: [ImportCompletedPayload];
  [key: string]: [] | [unknown];
}

/** One event waiting for its transaction to commit. */
export type PendingEvent = {
  [K in Topic]: { topic: K; payload: TopicPayloads[K][0] };
}[Topic];

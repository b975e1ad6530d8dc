/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** How an audited attempt ended. */
export type AuditOutcome =
  | 'denied'
  | 'error'
  | 'refused'
  | 'success';

/** CONFIGURED (CA_CERT_PEM/CA_KEY_PEM or files) or GENERATED (created on first start, stored sealed in the database). */
export type CertificateAuthoritySource =
  | 'CONFIGURED'
  | 'GENERATED';

/** A device check-in, authenticated by a proof made with the credential issued at enrollment. */
export type CheckInInput = {
  /** Serial number (hex) of the MDM certificate the proof is made with. */
  certificateSerialNumber?: string | null | undefined;
  /** PKCS#10 request (PEM) used if this check-in renews the certificate; omitted: a renewal generates the key pair and returns it once. */
  csr?: string | null | undefined;
  /** The device checking in (its certificate CN). */
  deviceId: string | number;
  /** Fresh nonce: 8-256 printable ASCII characters, never reused by this device. */
  nonce?: string | null | undefined;
  /** How `signature` was made; default SIGNATURE. */
  proofType?: CheckInProofType;
  /** Base64 proof over the signing input: the certificate-key signature (SIGNATURE) or HMAC-SHA256 keyed by the device token (HMAC). */
  signature?: string | null | undefined;
  /** ISO-8601 instant the device signed, exactly as signed; must be within CHECK_IN_MAX_SKEW_SECONDS (300) of the gateway clock. */
  timestamp?: string | null | undefined;
};

/** How a check-in proves possession of the device credential: certificate-key SIGNATURE, or HMAC with the device token. */
export type CheckInProofType =
  | 'HMAC'
  | 'SIGNATURE';

/** A new API token. */
export type CreateApiTokenInput = {
  /** Expiry (UTC, in the future); none when omitted. */
  expiresDateTime?: string | null | undefined;
  /** Who or what the token is for, 1-128 characters. */
  name: string;
  /** ADMIN, OPERATOR, READER or ENROLLER (DEVICE is not a token role). */
  role: Role;
  /** Make it a user token: BYOD enrollments with it act for this user. */
  userPrincipalName?: string | null | undefined;
};

/** Graph `deviceEnrollmentType`: how the device was enrolled, in Microsoft Graph terms. */
export type DeviceEnrollmentType =
  | 'appleBulkWithUser'
  | 'appleBulkWithoutUser'
  | 'deviceEnrollmentManager'
  | 'unknown'
  | 'userEnrollment'
  | 'windowsAutoEnrollment'
  | 'windowsAzureADJoin'
  | 'windowsBulkUserless'
  | 'windowsCoManagement';

/** Server-side filter of device events; all given fields must match. */
export type DeviceEventFilter = {
  /** Only events of this device. */
  deviceId?: string | number | null | undefined;
  managedDeviceOwnerType?: ManagedDeviceOwnerType | null | undefined;
  platform?: DevicePlatform | null | undefined;
  /** Only events of devices affine to this UPN (case-insensitive). */
  userPrincipalName?: string | null | undefined;
};

/** Device platform, one per table of the seed document (iOS, macOS, Windows, Android). */
export type DevicePlatform =
  | 'ANDROID'
  | 'IOS'
  | 'MACOS'
  | 'WINDOWS';

/** A device asking to enroll, and who enrolls it. */
export type EnrollDeviceInput = {
  /** PKCS#10 certificate signing request (PEM, EC P-256 or RSA >= 2048, at most 16 KiB) for the MDM certificate; the device keeps its key. Omitted: the gateway generates the key pair and returns the private key once. */
  csr?: string | null | undefined;
  /** Device name, 1-256 characters. */
  deviceName: string;
  /** IMEI: spaces and dashes ignored; 15 digits with a valid Luhn check digit, or 14 digits (the check digit is then computed). */
  imei?: string | null | undefined;
  /** Manufacturer, at most 128 characters. */
  manufacturer?: string | null | undefined;
  /** Enrollment method; must be a row of the platform's seed table. Default BYOD. */
  method?: EnrollmentMethodKind;
  /** Model, at most 128 characters. */
  model?: string | null | undefined;
  /** Operating system version, 1-64 characters. */
  osVersion: string;
  /** Platform of the device. */
  platform: DevicePlatform;
  /** Serial number, 1-128 characters; periods are removed. A serial number or an IMEI is required. */
  serialNumber?: string | null | undefined;
  /** UPN of the user the device is affine to: required when the method has user affinity YES, refused when NO. At most 320 characters. */
  userPrincipalName?: string | null | undefined;
};

/** An enrollment method of the seed document ("What is device enrollment?"), one row of its tables. */
export type EnrollmentMethodKind =
  | 'ANDROID_FOR_WORK'
  | 'AUTO_ENROLL'
  | 'BULK_ENROLL'
  | 'BYOD'
  | 'DEM'
  | 'DEP'
  | 'USB_DIRECT'
  | 'USB_SA';

/** Every error code the API returns, in `extensions.code` or in a typed mutation error. */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'CERTIFICATE_EXPIRED'
  | 'CERTIFICATE_REVOKED'
  | 'CHECK_IN_REPLAYED'
  | 'DEVICE_CREDENTIAL_INVALID'
  | 'DEVICE_CREDENTIAL_WRONG_DEVICE'
  | 'ENROLLMENT_CONFLICT'
  | 'FORBIDDEN'
  | 'INTERNAL_SERVER_ERROR'
  | 'INVALID_DEVICE_STATE'
  | 'METHOD_NOT_AVAILABLE'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'UNAUTHENTICATED'
  | 'USER_AFFINITY_VIOLATION';

/** Filters of the device list; all given filters must match (AND). */
export type ManagedDeviceFilter = {
  enrollmentMethod?: EnrollmentMethodKind | null | undefined;
  managedDeviceOwnerType?: ManagedDeviceOwnerType | null | undefined;
  managementState?: ManagementState | null | undefined;
  platform?: DevicePlatform | null | undefined;
  /** Case-insensitive substring of serial number or device name, or a prefix of the IMEI; 1-128 characters. */
  search?: string | null | undefined;
  /** Only devices affine to this user principal name (case-insensitive). */
  userPrincipalName?: string | null | undefined;
};

/** Sort key of the device list (non-null columns only, so keyset pages never skip a device). */
export type ManagedDeviceOrderField =
  | 'deviceName'
  | 'enrolledDateTime'
  | 'lastSyncDateTime';

/** Graph `managedDeviceOwnerType`: `company` (corporate-owned) or `personal` (BYOD). */
export type ManagedDeviceOwnerType =
  | 'company'
  | 'personal'
  | 'unknown';

/** Graph `managementState` of a managed device (managed, retirePending, wipePending, ...). */
export type ManagementState =
  | 'deletePending'
  | 'managed'
  | 'retirePending'
  | 'retired'
  | 'wipePending'
  | 'wiped';

/** Lifecycle status of an MDM device certificate: valid, expiring, expired or revoked. */
export type MdmCertificateStatus =
  | 'expired'
  | 'expiring'
  | 'revoked'
  | 'valid';

export type OrderDirection =
  | 'ASC'
  | 'DESC';

/** A cell of the seed tables: YES, NO, or OPTIONAL (decided by the enrollment profile). */
export type Requirement =
  | 'NO'
  | 'OPTIONAL'
  | 'YES';

/** RFC 5280 CRLReason of a revoked certificate: superseded (renewed, re-enrolled) or cessationOfOperation (retired, wiped). */
export type RevocationReason =
  | 'cessationOfOperation'
  | 'superseded';

/** Roles of API tokens (and DEVICE, for operations a device performs as itself). */
export type Role =
  | 'ADMIN'
  | 'DEVICE'
  | 'ENROLLER'
  | 'OPERATOR'
  | 'READER';

export type AuditRecordsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  action?: string | null | undefined;
  targetId?: string | number | null | undefined;
  outcome?: AuditOutcome | null | undefined;
  actorTokenId?: string | number | null | undefined;
}>;


export type AuditRecordsQuery = { auditRecords: { totalCount: number, hasNextPage: boolean, endCursor: string | null, nodes: Array<{ id: string, occurredDateTime: string, action: string, outcome: AuditOutcome, code: string | null, actorName: string | null, actorRole: Role | null, actorTokenId: string | null, clientAddress: string | null, targetType: string | null, targetId: string | null, requestId: string | null, details: unknown }> } };

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { viewer: { name: string, role: Role, userPrincipalName: string | null } };

export type ApiTokensQueryVariables = Exact<{ [key: string]: never; }>;


export type ApiTokensQuery = { apiTokens: Array<{ id: string, name: string, role: Role, secretPrefix: string, userPrincipalName: string | null, createdDateTime: string, lastUsedDateTime: string | null, expiresDateTime: string | null, revokedDateTime: string | null }> };

export type CreateApiTokenMutationVariables = Exact<{
  input: CreateApiTokenInput;
}>;


export type CreateApiTokenMutation = { createApiToken:
    | { __typename: 'CreateApiTokenSuccess', secret: string, token: { id: string, name: string, role: Role, secretPrefix: string, expiresDateTime: string | null } }
    | { __typename: 'InvalidInputError', code: ErrorCode, message: string, violations: Array<{ field: string, rule: string, message: string }> }
    | { __typename: 'OperationRefusedError', code: ErrorCode, message: string }
   };

export type RevokeApiTokenMutationVariables = Exact<{
  id: string | number;
}>;


export type RevokeApiTokenMutation = { revokeApiToken:
    | { __typename: 'InvalidInputError', code: ErrorCode, message: string, violations: Array<{ field: string, rule: string, message: string }> }
    | { __typename: 'NotFoundError', id: string, code: ErrorCode, message: string }
    | { __typename: 'OperationRefusedError', code: ErrorCode, message: string }
    | { __typename: 'RevokeApiTokenSuccess', token: { id: string, revokedDateTime: string | null } }
   };

export type EnrollmentCatalogQueryVariables = Exact<{ [key: string]: never; }>;


export type EnrollmentCatalogQuery = { enrollmentCatalog: Array<{ platform: DevicePlatform, methods: Array<{ method: EnrollmentMethodKind, displayName: string, resetRequired: Requirement, userAffinity: Requirement, locked: Requirement, description: string, deviceEnrollmentTypes: Array<DeviceEnrollmentType>, source: string }> }> };

export type CertificateAuthorityQueryVariables = Exact<{ [key: string]: never; }>;


export type CertificateAuthorityQuery = { certificateAuthority: { certificatePem: string, subject: string, sha256Thumbprint: string, notBefore: string, notAfter: string, source: CertificateAuthoritySource } };

export type MdmCertificatesQueryVariables = Exact<{
  deviceId: string | number;
}>;


export type MdmCertificatesQuery = { mdmCertificates: Array<{ id: string, serialNumber: string, sha256Thumbprint: string, subject: string, issuer: string, notBefore: string, notAfter: string, status: MdmCertificateStatus, pem: string, issuedDateTime: string, revokedDateTime: string | null, revocationReason: RevocationReason | null, supersededById: string | null, expiringThresholdDays: number | null }> };

export type RunLifecycleSweepMutationVariables = Exact<{ [key: string]: never; }>;


export type RunLifecycleSweepMutation = { runLifecycleSweep: { skipped: boolean, expiring: number, expired: number, removed: number, prunedCheckIns: number, sweptAt: string, durationMs: number } };

export type CheckInMutationVariables = Exact<{
  input: CheckInInput;
}>;


export type CheckInMutation = { checkIn:
    | { __typename: 'CheckInSuccess', privateKeyPem: string | null, deviceToken: string | null, device: { id: string, lastSyncDateTime: string, managementState: ManagementState, managementCertificateExpirationDate: string | null }, renewedCertificate: { id: string, serialNumber: string, sha256Thumbprint: string, subject: string, issuer: string, notBefore: string, notAfter: string, status: MdmCertificateStatus, pem: string, issuedDateTime: string, revokedDateTime: string | null, revocationReason: RevocationReason | null, supersededById: string | null, expiringThresholdDays: number | null } | null }
    | { __typename: 'InvalidInputError', code: ErrorCode, message: string, violations: Array<{ field: string, rule: string, message: string }> }
    | { __typename: 'NotFoundError', id: string, code: ErrorCode, message: string }
    | { __typename: 'OperationRefusedError', code: ErrorCode, message: string }
   };

export type RecentCheckInsQueryVariables = Exact<{
  deviceId?: string | number | null | undefined;
  first?: number | null | undefined;
}>;


export type RecentCheckInsQuery = { recentCheckIns: Array<{ id: string, deviceId: string, nonce: string, certificateSerialNumber: string, proofType: CheckInProofType, renewed: boolean, checkedInDateTime: string }> };

export type ManagedDevicesQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  filter?: ManagedDeviceFilter | null | undefined;
  orderBy?: ManagedDeviceOrderField | null | undefined;
  direction?: OrderDirection | null | undefined;
}>;


export type ManagedDevicesQuery = { managedDevices: { totalCount: number, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, deviceName: string, platform: DevicePlatform, operatingSystem: string, osVersion: string, model: string | null, manufacturer: string | null, serialNumber: string | null, imei: string | null, managedDeviceOwnerType: ManagedDeviceOwnerType, enrollmentMethod: EnrollmentMethodKind, enrollmentType: DeviceEnrollmentType, managementState: ManagementState, enrolledDateTime: string, lastSyncDateTime: string, userPrincipalName: string | null, managementCertificateExpirationDate: string | null } }> } };

export type ManagedDeviceQueryVariables = Exact<{
  id: string | number;
}>;


export type ManagedDeviceQuery = { managedDevice: { id: string, deviceName: string, platform: DevicePlatform, operatingSystem: string, osVersion: string, model: string | null, manufacturer: string | null, serialNumber: string | null, imei: string | null, managedDeviceOwnerType: ManagedDeviceOwnerType, enrollmentMethod: EnrollmentMethodKind, enrollmentType: DeviceEnrollmentType, managementState: ManagementState, enrolledDateTime: string, lastSyncDateTime: string, userPrincipalName: string | null, managementCertificateExpirationDate: string | null, user: { id: string, userPrincipalName: string, displayName: string } | null } | null };

export type EnrollDeviceMutationVariables = Exact<{
  input: EnrollDeviceInput;
}>;


export type EnrollDeviceMutation = { enrollDevice:
    | { __typename: 'EnrollDeviceSuccess', privateKeyPem: string | null, deviceToken: string, device: { id: string, deviceName: string, platform: DevicePlatform, operatingSystem: string, osVersion: string, model: string | null, manufacturer: string | null, serialNumber: string | null, imei: string | null, managedDeviceOwnerType: ManagedDeviceOwnerType, enrollmentMethod: EnrollmentMethodKind, enrollmentType: DeviceEnrollmentType, managementState: ManagementState, enrolledDateTime: string, lastSyncDateTime: string, userPrincipalName: string | null, managementCertificateExpirationDate: string | null }, certificate: { id: string, serialNumber: string, sha256Thumbprint: string, subject: string, issuer: string, notBefore: string, notAfter: string, status: MdmCertificateStatus, pem: string, issuedDateTime: string, revokedDateTime: string | null, revocationReason: RevocationReason | null, supersededById: string | null, expiringThresholdDays: number | null } }
    | { __typename: 'InvalidInputError', code: ErrorCode, message: string, violations: Array<{ field: string, rule: string, message: string }> }
    | { __typename: 'NotFoundError', id: string, code: ErrorCode, message: string }
    | { __typename: 'OperationRefusedError', code: ErrorCode, message: string }
   };

export type ManagedDeviceFieldsFragment = { id: string, deviceName: string, platform: DevicePlatform, operatingSystem: string, osVersion: string, model: string | null, manufacturer: string | null, serialNumber: string | null, imei: string | null, managedDeviceOwnerType: ManagedDeviceOwnerType, enrollmentMethod: EnrollmentMethodKind, enrollmentType: DeviceEnrollmentType, managementState: ManagementState, enrolledDateTime: string, lastSyncDateTime: string, userPrincipalName: string | null, managementCertificateExpirationDate: string | null };

export type MdmCertificateFieldsFragment = { id: string, serialNumber: string, sha256Thumbprint: string, subject: string, issuer: string, notBefore: string, notAfter: string, status: MdmCertificateStatus, pem: string, issuedDateTime: string, revokedDateTime: string | null, revocationReason: RevocationReason | null, supersededById: string | null, expiringThresholdDays: number | null };

type UserErrorFields_InvalidInputError_Fragment = { __typename: 'InvalidInputError', code: ErrorCode, message: string, violations: Array<{ field: string, rule: string, message: string }> };

type UserErrorFields_NotFoundError_Fragment = { __typename: 'NotFoundError', id: string, code: ErrorCode, message: string };

type UserErrorFields_OperationRefusedError_Fragment = { __typename: 'OperationRefusedError', code: ErrorCode, message: string };

export type UserErrorFieldsFragment =
  | UserErrorFields_InvalidInputError_Fragment
  | UserErrorFields_NotFoundError_Fragment
  | UserErrorFields_OperationRefusedError_Fragment
;

export type DeviceCheckedInSubscriptionVariables = Exact<{
  filter?: DeviceEventFilter | null | undefined;
}>;


export type DeviceCheckedInSubscription = { deviceCheckedIn: { deviceId: string, platform: DevicePlatform, managedDeviceOwnerType: ManagedDeviceOwnerType, enrollmentMethod: EnrollmentMethodKind, userPrincipalName: string | null, occurredAt: string, device: { id: string, deviceName: string, lastSyncDateTime: string } | null } };

export type DeviceEnrolledSubscriptionVariables = Exact<{
  filter?: DeviceEventFilter | null | undefined;
}>;


export type DeviceEnrolledSubscription = { deviceEnrolled: { deviceId: string, platform: DevicePlatform, managedDeviceOwnerType: ManagedDeviceOwnerType, enrollmentMethod: EnrollmentMethodKind, userPrincipalName: string | null, occurredAt: string, device: { id: string, deviceName: string, platform: DevicePlatform, operatingSystem: string, osVersion: string, model: string | null, manufacturer: string | null, serialNumber: string | null, imei: string | null, managedDeviceOwnerType: ManagedDeviceOwnerType, enrollmentMethod: EnrollmentMethodKind, enrollmentType: DeviceEnrollmentType, managementState: ManagementState, enrolledDateTime: string, lastSyncDateTime: string, userPrincipalName: string | null, managementCertificateExpirationDate: string | null } | null } };

export type DeviceRemovedSubscriptionVariables = Exact<{
  filter?: DeviceEventFilter | null | undefined;
}>;


export type DeviceRemovedSubscription = { deviceRemoved: { deviceId: string, platform: DevicePlatform, managedDeviceOwnerType: ManagedDeviceOwnerType, enrollmentMethod: EnrollmentMethodKind, userPrincipalName: string | null, occurredAt: string } };

export type CertificateEventFieldsFragment = { deviceId: string, platform: DevicePlatform, managedDeviceOwnerType: ManagedDeviceOwnerType, userPrincipalName: string | null, occurredAt: string, certificateId: string, serialNumber: string, notAfter: string, thresholdDays: number | null, previousCertificateId: string | null, certificate: { id: string, status: MdmCertificateStatus, notAfter: string, supersededById: string | null } | null, device: { id: string, managementCertificateExpirationDate: string | null } | null };

export type CertificateRenewedSubscriptionVariables = Exact<{
  filter?: DeviceEventFilter | null | undefined;
}>;


export type CertificateRenewedSubscription = { certificateRenewed: { deviceId: string, platform: DevicePlatform, managedDeviceOwnerType: ManagedDeviceOwnerType, userPrincipalName: string | null, occurredAt: string, certificateId: string, serialNumber: string, notAfter: string, thresholdDays: number | null, previousCertificateId: string | null, certificate: { id: string, status: MdmCertificateStatus, notAfter: string, supersededById: string | null } | null, device: { id: string, managementCertificateExpirationDate: string | null } | null } };

export type CertificateExpiringSubscriptionVariables = Exact<{
  filter?: DeviceEventFilter | null | undefined;
}>;


export type CertificateExpiringSubscription = { certificateExpiring: { deviceId: string, platform: DevicePlatform, managedDeviceOwnerType: ManagedDeviceOwnerType, userPrincipalName: string | null, occurredAt: string, certificateId: string, serialNumber: string, notAfter: string, thresholdDays: number | null, previousCertificateId: string | null, certificate: { id: string, status: MdmCertificateStatus, notAfter: string, supersededById: string | null } | null, device: { id: string, managementCertificateExpirationDate: string | null } | null } };

export type CertificateExpiredSubscriptionVariables = Exact<{
  filter?: DeviceEventFilter | null | undefined;
}>;


export type CertificateExpiredSubscription = { certificateExpired: { deviceId: string, platform: DevicePlatform, managedDeviceOwnerType: ManagedDeviceOwnerType, userPrincipalName: string | null, occurredAt: string, certificateId: string, serialNumber: string, notAfter: string, thresholdDays: number | null, previousCertificateId: string | null, certificate: { id: string, status: MdmCertificateStatus, notAfter: string, supersededById: string | null } | null, device: { id: string, managementCertificateExpirationDate: string | null } | null } };

export type ImportCompletedSubscriptionVariables = Exact<{
  kind?: string | null | undefined;
}>;


export type ImportCompletedSubscription = { importCompleted: { importId: string, kind: string, total: number, succeeded: number, failed: number, occurredAt: string } };

export type FleetStatsSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type FleetStatsSubscription = { fleetStats: { total: number, computedAt: string, byPlatform: Array<{ key: string, count: number }>, byOwnerType: Array<{ key: string, count: number }>, byEnrollmentMethod: Array<{ key: string, count: number }>, byManagementState: Array<{ key: string, count: number }>, byCertificateStatus: Array<{ key: string, count: number }> } };

export const ManagedDeviceFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ManagedDeviceFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ManagedDevice"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"deviceName"}},{"kind":"Field","name":{"kind":"Name","value":"platform"}},{"kind":"Field","name":{"kind":"Name","value":"operatingSystem"}},{"kind":"Field","name":{"kind":"Name","value":"osVersion"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"manufacturer"}},{"kind":"Field","name":{"kind":"Name","value":"serialNumber"}},{"kind":"Field","name":{"kind":"Name","value":"imei"}},{"kind":"Field","name":{"kind":"Name","value":"managedDeviceOwnerType"}},{"kind":"Field","name":{"kind":"Name","value":"enrollmentMethod"}},{"kind":"Field","name":{"kind":"Name","value":"enrollmentType"}},{"kind":"Field","name":{"kind":"Name","value":"managementState"}},{"kind":"Field","name":{"kind":"Name","value":"enrolledDateTime"}},{"kind":"Field","name":{"kind":"Name","value":"lastSyncDateTime"}},{"kind":"Field","name":{"kind":"Name","value":"userPrincipalName"}},{"kind":"Field","name":{"kind":"Name","value":"managementCertificateExpirationDate"}}]}}]} as unknown as DocumentNode<ManagedDeviceFieldsFragment, unknown>;
export const MdmCertificateFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MdmCertificateFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MdmCertificate"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"serialNumber"}},{"kind":"Field","name":{"kind":"Name","value":"sha256Thumbprint"}},{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"issuer"}},{"kind":"Field","name":{"kind":"Name","value":"notBefore"}},{"kind":"Field","name":{"kind":"Name","value":"notAfter"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"pem"}},{"kind":"Field","name":{"kind":"Name","value":"issuedDateTime"}},{"kind":"Field","name":{"kind":"Name","value":"revokedDateTime"}},{"kind":"Field","name":{"kind":"Name","value":"revocationReason"}},{"kind":"Field","name":{"kind":"Name","value":"supersededById"}},{"kind":"Field","name":{"kind":"Name","value":"expiringThresholdDays"}}]}}]} as unknown as DocumentNode<MdmCertificateFieldsFragment, unknown>;
export const UserErrorFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"InvalidInputError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"violations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"rule"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"NotFoundError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<UserErrorFieldsFragment, unknown>;
export const CertificateEventFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CertificateEventFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CertificateEvent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deviceId"}},{"kind":"Field","name":{"kind":"Name","value":"platform"}},{"kind":"Field","name":{"kind":"Name","value":"managedDeviceOwnerType"}},{"kind":"Field","name":{"kind":"Name","value":"userPrincipalName"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}},{"kind":"Field","name":{"kind":"Name","value":"certificateId"}},{"kind":"Field","name":{"kind":"Name","value":"serialNumber"}},{"kind":"Field","name":{"kind":"Name","value":"notAfter"}},{"kind":"Field","name":{"kind":"Name","value":"thresholdDays"}},{"kind":"Field","name":{"kind":"Name","value":"previousCertificateId"}},{"kind":"Field","name":{"kind":"Name","value":"certificate"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"notAfter"}},{"kind":"Field","name":{"kind":"Name","value":"supersededById"}}]}},{"kind":"Field","name":{"kind":"Name","value":"device"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"managementCertificateExpirationDate"}}]}}]}}]} as unknown as DocumentNode<CertificateEventFieldsFragment, unknown>;
export const AuditRecordsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AuditRecords"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"action"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"targetId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"outcome"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"AuditOutcome"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"actorTokenId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"auditRecords"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"action"},"value":{"kind":"Variable","name":{"kind":"Name","value":"action"}}},{"kind":"Argument","name":{"kind":"Name","value":"targetId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"targetId"}}},{"kind":"Argument","name":{"kind":"Name","value":"outcome"},"value":{"kind":"Variable","name":{"kind":"Name","value":"outcome"}}},{"kind":"Argument","name":{"kind":"Name","value":"actorTokenId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"actorTokenId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"occurredDateTime"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"outcome"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"actorName"}},{"kind":"Field","name":{"kind":"Name","value":"actorRole"}},{"kind":"Field","name":{"kind":"Name","value":"actorTokenId"}},{"kind":"Field","name":{"kind":"Name","value":"clientAddress"}},{"kind":"Field","name":{"kind":"Name","value":"targetType"}},{"kind":"Field","name":{"kind":"Name","value":"targetId"}},{"kind":"Field","name":{"kind":"Name","value":"requestId"}},{"kind":"Field","name":{"kind":"Name","value":"details"}}]}}]}}]}}]} as unknown as DocumentNode<AuditRecordsQuery, AuditRecordsQueryVariables>;
export const ViewerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"userPrincipalName"}}]}}]}}]} as unknown as DocumentNode<ViewerQuery, ViewerQueryVariables>;
export const ApiTokensDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ApiTokens"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"apiTokens"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"secretPrefix"}},{"kind":"Field","name":{"kind":"Name","value":"userPrincipalName"}},{"kind":"Field","name":{"kind":"Name","value":"createdDateTime"}},{"kind":"Field","name":{"kind":"Name","value":"lastUsedDateTime"}},{"kind":"Field","name":{"kind":"Name","value":"expiresDateTime"}},{"kind":"Field","name":{"kind":"Name","value":"revokedDateTime"}}]}}]}}]} as unknown as DocumentNode<ApiTokensQuery, ApiTokensQueryVariables>;
export const CreateApiTokenDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateApiToken"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateApiTokenInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createApiToken"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CreateApiTokenSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"secret"}},{"kind":"Field","name":{"kind":"Name","value":"token"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"secretPrefix"}},{"kind":"Field","name":{"kind":"Name","value":"expiresDateTime"}}]}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserErrorFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"InvalidInputError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"violations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"rule"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"NotFoundError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<CreateApiTokenMutation, CreateApiTokenMutationVariables>;
export const RevokeApiTokenDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RevokeApiToken"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revokeApiToken"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RevokeApiTokenSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"token"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"revokedDateTime"}}]}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserErrorFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"InvalidInputError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"violations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"rule"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"NotFoundError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<RevokeApiTokenMutation, RevokeApiTokenMutationVariables>;
export const EnrollmentCatalogDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"EnrollmentCatalog"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"enrollmentCatalog"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"platform"}},{"kind":"Field","name":{"kind":"Name","value":"methods"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"method"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"resetRequired"}},{"kind":"Field","name":{"kind":"Name","value":"userAffinity"}},{"kind":"Field","name":{"kind":"Name","value":"locked"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"deviceEnrollmentTypes"}},{"kind":"Field","name":{"kind":"Name","value":"source"}}]}}]}}]}}]} as unknown as DocumentNode<EnrollmentCatalogQuery, EnrollmentCatalogQueryVariables>;
export const CertificateAuthorityDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CertificateAuthority"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"certificateAuthority"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"certificatePem"}},{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"sha256Thumbprint"}},{"kind":"Field","name":{"kind":"Name","value":"notBefore"}},{"kind":"Field","name":{"kind":"Name","value":"notAfter"}},{"kind":"Field","name":{"kind":"Name","value":"source"}}]}}]}}]} as unknown as DocumentNode<CertificateAuthorityQuery, CertificateAuthorityQueryVariables>;
export const MdmCertificatesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MdmCertificates"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"deviceId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"mdmCertificates"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"deviceId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"deviceId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MdmCertificateFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MdmCertificateFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MdmCertificate"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"serialNumber"}},{"kind":"Field","name":{"kind":"Name","value":"sha256Thumbprint"}},{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"issuer"}},{"kind":"Field","name":{"kind":"Name","value":"notBefore"}},{"kind":"Field","name":{"kind":"Name","value":"notAfter"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"pem"}},{"kind":"Field","name":{"kind":"Name","value":"issuedDateTime"}},{"kind":"Field","name":{"kind":"Name","value":"revokedDateTime"}},{"kind":"Field","name":{"kind":"Name","value":"revocationReason"}},{"kind":"Field","name":{"kind":"Name","value":"supersededById"}},{"kind":"Field","name":{"kind":"Name","value":"expiringThresholdDays"}}]}}]} as unknown as DocumentNode<MdmCertificatesQuery, MdmCertificatesQueryVariables>;
export const RunLifecycleSweepDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RunLifecycleSweep"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"runLifecycleSweep"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"skipped"}},{"kind":"Field","name":{"kind":"Name","value":"expiring"}},{"kind":"Field","name":{"kind":"Name","value":"expired"}},{"kind":"Field","name":{"kind":"Name","value":"removed"}},{"kind":"Field","name":{"kind":"Name","value":"prunedCheckIns"}},{"kind":"Field","name":{"kind":"Name","value":"sweptAt"}},{"kind":"Field","name":{"kind":"Name","value":"durationMs"}}]}}]}}]} as unknown as DocumentNode<RunLifecycleSweepMutation, RunLifecycleSweepMutationVariables>;
export const CheckInDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CheckIn"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CheckInInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"checkIn"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CheckInSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"device"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"lastSyncDateTime"}},{"kind":"Field","name":{"kind":"Name","value":"managementState"}},{"kind":"Field","name":{"kind":"Name","value":"managementCertificateExpirationDate"}}]}},{"kind":"Field","name":{"kind":"Name","value":"renewedCertificate"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MdmCertificateFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"privateKeyPem"}},{"kind":"Field","name":{"kind":"Name","value":"deviceToken"}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserErrorFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MdmCertificateFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MdmCertificate"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"serialNumber"}},{"kind":"Field","name":{"kind":"Name","value":"sha256Thumbprint"}},{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"issuer"}},{"kind":"Field","name":{"kind":"Name","value":"notBefore"}},{"kind":"Field","name":{"kind":"Name","value":"notAfter"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"pem"}},{"kind":"Field","name":{"kind":"Name","value":"issuedDateTime"}},{"kind":"Field","name":{"kind":"Name","value":"revokedDateTime"}},{"kind":"Field","name":{"kind":"Name","value":"revocationReason"}},{"kind":"Field","name":{"kind":"Name","value":"supersededById"}},{"kind":"Field","name":{"kind":"Name","value":"expiringThresholdDays"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"InvalidInputError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"violations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"rule"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"NotFoundError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<CheckInMutation, CheckInMutationVariables>;
export const RecentCheckInsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RecentCheckIns"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"deviceId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recentCheckIns"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"deviceId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"deviceId"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"deviceId"}},{"kind":"Field","name":{"kind":"Name","value":"nonce"}},{"kind":"Field","name":{"kind":"Name","value":"certificateSerialNumber"}},{"kind":"Field","name":{"kind":"Name","value":"proofType"}},{"kind":"Field","name":{"kind":"Name","value":"renewed"}},{"kind":"Field","name":{"kind":"Name","value":"checkedInDateTime"}}]}}]}}]} as unknown as DocumentNode<RecentCheckInsQuery, RecentCheckInsQueryVariables>;
export const ManagedDevicesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ManagedDevices"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ManagedDeviceFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"orderBy"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ManagedDeviceOrderField"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"direction"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"OrderDirection"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"managedDevices"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"orderBy"},"value":{"kind":"Variable","name":{"kind":"Name","value":"orderBy"}}},{"kind":"Argument","name":{"kind":"Name","value":"direction"},"value":{"kind":"Variable","name":{"kind":"Name","value":"direction"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"hasPreviousPage"}},{"kind":"Field","name":{"kind":"Name","value":"startCursor"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ManagedDeviceFields"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ManagedDeviceFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ManagedDevice"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"deviceName"}},{"kind":"Field","name":{"kind":"Name","value":"platform"}},{"kind":"Field","name":{"kind":"Name","value":"operatingSystem"}},{"kind":"Field","name":{"kind":"Name","value":"osVersion"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"manufacturer"}},{"kind":"Field","name":{"kind":"Name","value":"serialNumber"}},{"kind":"Field","name":{"kind":"Name","value":"imei"}},{"kind":"Field","name":{"kind":"Name","value":"managedDeviceOwnerType"}},{"kind":"Field","name":{"kind":"Name","value":"enrollmentMethod"}},{"kind":"Field","name":{"kind":"Name","value":"enrollmentType"}},{"kind":"Field","name":{"kind":"Name","value":"managementState"}},{"kind":"Field","name":{"kind":"Name","value":"enrolledDateTime"}},{"kind":"Field","name":{"kind":"Name","value":"lastSyncDateTime"}},{"kind":"Field","name":{"kind":"Name","value":"userPrincipalName"}},{"kind":"Field","name":{"kind":"Name","value":"managementCertificateExpirationDate"}}]}}]} as unknown as DocumentNode<ManagedDevicesQuery, ManagedDevicesQueryVariables>;
export const ManagedDeviceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ManagedDevice"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"managedDevice"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ManagedDeviceFields"}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"userPrincipalName"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ManagedDeviceFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ManagedDevice"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"deviceName"}},{"kind":"Field","name":{"kind":"Name","value":"platform"}},{"kind":"Field","name":{"kind":"Name","value":"operatingSystem"}},{"kind":"Field","name":{"kind":"Name","value":"osVersion"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"manufacturer"}},{"kind":"Field","name":{"kind":"Name","value":"serialNumber"}},{"kind":"Field","name":{"kind":"Name","value":"imei"}},{"kind":"Field","name":{"kind":"Name","value":"managedDeviceOwnerType"}},{"kind":"Field","name":{"kind":"Name","value":"enrollmentMethod"}},{"kind":"Field","name":{"kind":"Name","value":"enrollmentType"}},{"kind":"Field","name":{"kind":"Name","value":"managementState"}},{"kind":"Field","name":{"kind":"Name","value":"enrolledDateTime"}},{"kind":"Field","name":{"kind":"Name","value":"lastSyncDateTime"}},{"kind":"Field","name":{"kind":"Name","value":"userPrincipalName"}},{"kind":"Field","name":{"kind":"Name","value":"managementCertificateExpirationDate"}}]}}]} as unknown as DocumentNode<ManagedDeviceQuery, ManagedDeviceQueryVariables>;
export const EnrollDeviceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"EnrollDevice"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"EnrollDeviceInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"enrollDevice"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"EnrollDeviceSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"device"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ManagedDeviceFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"certificate"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MdmCertificateFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"privateKeyPem"}},{"kind":"Field","name":{"kind":"Name","value":"deviceToken"}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserErrorFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ManagedDeviceFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ManagedDevice"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"deviceName"}},{"kind":"Field","name":{"kind":"Name","value":"platform"}},{"kind":"Field","name":{"kind":"Name","value":"operatingSystem"}},{"kind":"Field","name":{"kind":"Name","value":"osVersion"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"manufacturer"}},{"kind":"Field","name":{"kind":"Name","value":"serialNumber"}},{"kind":"Field","name":{"kind":"Name","value":"imei"}},{"kind":"Field","name":{"kind":"Name","value":"managedDeviceOwnerType"}},{"kind":"Field","name":{"kind":"Name","value":"enrollmentMethod"}},{"kind":"Field","name":{"kind":"Name","value":"enrollmentType"}},{"kind":"Field","name":{"kind":"Name","value":"managementState"}},{"kind":"Field","name":{"kind":"Name","value":"enrolledDateTime"}},{"kind":"Field","name":{"kind":"Name","value":"lastSyncDateTime"}},{"kind":"Field","name":{"kind":"Name","value":"userPrincipalName"}},{"kind":"Field","name":{"kind":"Name","value":"managementCertificateExpirationDate"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MdmCertificateFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MdmCertificate"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"serialNumber"}},{"kind":"Field","name":{"kind":"Name","value":"sha256Thumbprint"}},{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"issuer"}},{"kind":"Field","name":{"kind":"Name","value":"notBefore"}},{"kind":"Field","name":{"kind":"Name","value":"notAfter"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"pem"}},{"kind":"Field","name":{"kind":"Name","value":"issuedDateTime"}},{"kind":"Field","name":{"kind":"Name","value":"revokedDateTime"}},{"kind":"Field","name":{"kind":"Name","value":"revocationReason"}},{"kind":"Field","name":{"kind":"Name","value":"supersededById"}},{"kind":"Field","name":{"kind":"Name","value":"expiringThresholdDays"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"InvalidInputError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"violations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"rule"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"NotFoundError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<EnrollDeviceMutation, EnrollDeviceMutationVariables>;
export const DeviceCheckedInDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"DeviceCheckedIn"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"DeviceEventFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deviceCheckedIn"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deviceId"}},{"kind":"Field","name":{"kind":"Name","value":"platform"}},{"kind":"Field","name":{"kind":"Name","value":"managedDeviceOwnerType"}},{"kind":"Field","name":{"kind":"Name","value":"enrollmentMethod"}},{"kind":"Field","name":{"kind":"Name","value":"userPrincipalName"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}},{"kind":"Field","name":{"kind":"Name","value":"device"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"deviceName"}},{"kind":"Field","name":{"kind":"Name","value":"lastSyncDateTime"}}]}}]}}]}}]} as unknown as DocumentNode<DeviceCheckedInSubscription, DeviceCheckedInSubscriptionVariables>;
export const DeviceEnrolledDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"DeviceEnrolled"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"DeviceEventFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deviceEnrolled"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deviceId"}},{"kind":"Field","name":{"kind":"Name","value":"platform"}},{"kind":"Field","name":{"kind":"Name","value":"managedDeviceOwnerType"}},{"kind":"Field","name":{"kind":"Name","value":"enrollmentMethod"}},{"kind":"Field","name":{"kind":"Name","value":"userPrincipalName"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}},{"kind":"Field","name":{"kind":"Name","value":"device"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ManagedDeviceFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ManagedDeviceFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ManagedDevice"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"deviceName"}},{"kind":"Field","name":{"kind":"Name","value":"platform"}},{"kind":"Field","name":{"kind":"Name","value":"operatingSystem"}},{"kind":"Field","name":{"kind":"Name","value":"osVersion"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"manufacturer"}},{"kind":"Field","name":{"kind":"Name","value":"serialNumber"}},{"kind":"Field","name":{"kind":"Name","value":"imei"}},{"kind":"Field","name":{"kind":"Name","value":"managedDeviceOwnerType"}},{"kind":"Field","name":{"kind":"Name","value":"enrollmentMethod"}},{"kind":"Field","name":{"kind":"Name","value":"enrollmentType"}},{"kind":"Field","name":{"kind":"Name","value":"managementState"}},{"kind":"Field","name":{"kind":"Name","value":"enrolledDateTime"}},{"kind":"Field","name":{"kind":"Name","value":"lastSyncDateTime"}},{"kind":"Field","name":{"kind":"Name","value":"userPrincipalName"}},{"kind":"Field","name":{"kind":"Name","value":"managementCertificateExpirationDate"}}]}}]} as unknown as DocumentNode<DeviceEnrolledSubscription, DeviceEnrolledSubscriptionVariables>;
export const DeviceRemovedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"DeviceRemoved"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"DeviceEventFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deviceRemoved"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deviceId"}},{"kind":"Field","name":{"kind":"Name","value":"platform"}},{"kind":"Field","name":{"kind":"Name","value":"managedDeviceOwnerType"}},{"kind":"Field","name":{"kind":"Name","value":"enrollmentMethod"}},{"kind":"Field","name":{"kind":"Name","value":"userPrincipalName"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}}]}}]}}]} as unknown as DocumentNode<DeviceRemovedSubscription, DeviceRemovedSubscriptionVariables>;
export const CertificateRenewedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"CertificateRenewed"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"DeviceEventFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"certificateRenewed"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CertificateEventFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CertificateEventFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CertificateEvent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deviceId"}},{"kind":"Field","name":{"kind":"Name","value":"platform"}},{"kind":"Field","name":{"kind":"Name","value":"managedDeviceOwnerType"}},{"kind":"Field","name":{"kind":"Name","value":"userPrincipalName"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}},{"kind":"Field","name":{"kind":"Name","value":"certificateId"}},{"kind":"Field","name":{"kind":"Name","value":"serialNumber"}},{"kind":"Field","name":{"kind":"Name","value":"notAfter"}},{"kind":"Field","name":{"kind":"Name","value":"thresholdDays"}},{"kind":"Field","name":{"kind":"Name","value":"previousCertificateId"}},{"kind":"Field","name":{"kind":"Name","value":"certificate"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"notAfter"}},{"kind":"Field","name":{"kind":"Name","value":"supersededById"}}]}},{"kind":"Field","name":{"kind":"Name","value":"device"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"managementCertificateExpirationDate"}}]}}]}}]} as unknown as DocumentNode<CertificateRenewedSubscription, CertificateRenewedSubscriptionVariables>;
export const CertificateExpiringDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"CertificateExpiring"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"DeviceEventFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"certificateExpiring"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CertificateEventFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CertificateEventFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CertificateEvent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deviceId"}},{"kind":"Field","name":{"kind":"Name","value":"platform"}},{"kind":"Field","name":{"kind":"Name","value":"managedDeviceOwnerType"}},{"kind":"Field","name":{"kind":"Name","value":"userPrincipalName"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}},{"kind":"Field","name":{"kind":"Name","value":"certificateId"}},{"kind":"Field","name":{"kind":"Name","value":"serialNumber"}},{"kind":"Field","name":{"kind":"Name","value":"notAfter"}},{"kind":"Field","name":{"kind":"Name","value":"thresholdDays"}},{"kind":"Field","name":{"kind":"Name","value":"previousCertificateId"}},{"kind":"Field","name":{"kind":"Name","value":"certificate"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"notAfter"}},{"kind":"Field","name":{"kind":"Name","value":"supersededById"}}]}},{"kind":"Field","name":{"kind":"Name","value":"device"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"managementCertificateExpirationDate"}}]}}]}}]} as unknown as DocumentNode<CertificateExpiringSubscription, CertificateExpiringSubscriptionVariables>;
export const CertificateExpiredDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"CertificateExpired"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"DeviceEventFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"certificateExpired"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CertificateEventFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CertificateEventFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CertificateEvent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deviceId"}},{"kind":"Field","name":{"kind":"Name","value":"platform"}},{"kind":"Field","name":{"kind":"Name","value":"managedDeviceOwnerType"}},{"kind":"Field","name":{"kind":"Name","value":"userPrincipalName"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}},{"kind":"Field","name":{"kind":"Name","value":"certificateId"}},{"kind":"Field","name":{"kind":"Name","value":"serialNumber"}},{"kind":"Field","name":{"kind":"Name","value":"notAfter"}},{"kind":"Field","name":{"kind":"Name","value":"thresholdDays"}},{"kind":"Field","name":{"kind":"Name","value":"previousCertificateId"}},{"kind":"Field","name":{"kind":"Name","value":"certificate"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"notAfter"}},{"kind":"Field","name":{"kind":"Name","value":"supersededById"}}]}},{"kind":"Field","name":{"kind":"Name","value":"device"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"managementCertificateExpirationDate"}}]}}]}}]} as unknown as DocumentNode<CertificateExpiredSubscription, CertificateExpiredSubscriptionVariables>;
export const ImportCompletedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ImportCompleted"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"kind"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"importCompleted"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"kind"},"value":{"kind":"Variable","name":{"kind":"Name","value":"kind"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"importId"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"succeeded"}},{"kind":"Field","name":{"kind":"Name","value":"failed"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}}]}}]}}]} as unknown as DocumentNode<ImportCompletedSubscription, ImportCompletedSubscriptionVariables>;
export const FleetStatsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"FleetStats"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fleetStats"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"byPlatform"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}},{"kind":"Field","name":{"kind":"Name","value":"byOwnerType"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}},{"kind":"Field","name":{"kind":"Name","value":"byEnrollmentMethod"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}},{"kind":"Field","name":{"kind":"Name","value":"byManagementState"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}},{"kind":"Field","name":{"kind":"Name","value":"byCertificateStatus"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}},{"kind":"Field","name":{"kind":"Name","value":"computedAt"}}]}}]}}]} as unknown as DocumentNode<FleetStatsSubscription, FleetStatsSubscriptionVariables>;
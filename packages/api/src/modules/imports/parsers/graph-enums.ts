/**
 * Enumerations of Microsoft Graph's managedDevice that this project knows (Graph v1.0 reference
 * plus `managementState` from beta). Graph adds members over time ("evolvable enums"), so a value
 * not listed here is never an error: it is read as `unknown` with the original string kept.
 */

/**
 * An enum value as read. `value`: a known member, or `'unknown'` for an unrecognized string;
 * `original`: the string exactly as sent; `recognized`: false when `value` is `'unknown'` because
 * the string was not recognized (true when Graph itself sent `"unknown"`).
 */
export interface GraphEnumValue<T extends string = string> {
  readonly value: T | 'unknown';
  readonly original: string;
  readonly recognized: boolean;
}

/** Known members per managedDevice enum property (and `actionState` of deviceActionResult). */
export const GRAPH_ENUMS = {
  managedDeviceOwnerType: ['unknown', 'company', 'personal'],
  complianceState: [
    'unknown',
    'compliant',
    'noncompliant',
    'conflict',
    'error',
    'inGracePeriod',
    'configManager',
  ],
  managementState: [
    'managed',
    'retirePending',
    'retireFailed',
    'wipePending',
    'wipeFailed',
    'unhealthy',
    'deletePending',
    'retireIssued',
    'wipeIssued',
    'wipeCanceled',
    'retireCanceled',
    'discovered',
  ],
  managementAgent: [
    'eas',
    'mdm',
    'easMdm',
    'intuneClient',
    'easIntuneClient',
    'configurationManagerClient',
    'configurationManagerClientMdm',
    'configurationManagerClientMdmEas',
    'unknown',
    'jamf',
    'googleCloudDevicePolicyController',
    'microsoft365ManagedMdm',
    'msSense',
  ],
  deviceEnrollmentType: [
    'unknown',
    'userEnrollment',
    'deviceEnrollmentManager',
    'appleBulkWithUser',
    'appleBulkWithoutUser',
    'windowsAzureADJoin',
    'windowsBulkUserless',
    'windowsAutoEnrollment',
    'windowsBulkAzureDomainJoin',
    'windowsCoManagement',
    'windowsAzureADJoinUsingDeviceAuth',
    'appleUserEnrollment',
    'appleUserEnrollmentWithServiceAccount',
  ],
  deviceRegistrationState: [
    'notRegistered',
    'registered',
    'revoked',
    'keyConflict',
    'approvalPending',
    'certificateReset',
    'notRegisteredPendingEnrollment',
    'unknown',
  ],
  exchangeAccessState: ['none', 'unknown', 'allowed', 'blocked', 'quarantined'],
  exchangeAccessStateReason: [
    'none',
    'unknown',
    'exchangeGlobalRule',
    'exchangeIndividualRule',
    'exchangeDeviceRule',
    'exchangeUpgrade',
    'exchangeMailboxPolicy',
    'other',
    'compliant',
    'notCompliant',
    'notEnrolled',
    'unknownLocation',
    'mfaRequired',
    'azureADBlockDueToAccessPolicy',
    'compromisedPassword',
    'deviceNotKnownWithManagedApp',
  ],
  partnerReportedThreatState: [
    'unknown',
    'activated',
    'deactivated',
    'secured',
    'lowSeverity',
    'mediumSeverity',
    'highSeverity',
    'unresponsive',
    'compromised',
    'misconfigured',
  ],
  actionState: ['none', 'pending', 'canceled', 'active', 'done', 'failed', 'notSupported'],
} as const;

/** Name of a known Graph enum. */
export type GraphEnumName = keyof typeof GRAPH_ENUMS;
/** Members of the Graph enum `N`. */
export type GraphEnumMember<N extends GraphEnumName> = (typeof GRAPH_ENUMS)[N][number];

/**
 * Reads `original` as a member of enum `name`: exact, case-sensitive match (Graph's casing), else
 * `{ value: 'unknown', original, recognized: false }`. Never throws. Graph's `unknownFutureValue`
 * sentinel is therefore also `unknown`.
 */
export function readGraphEnum<N extends GraphEnumName>(
  name: N,
  original: string,
): GraphEnumValue<GraphEnumMember<N>> {
  const members: readonly string[] = GRAPH_ENUMS[name];
  return members.includes(original)
    ? { value: original as GraphEnumMember<N>, original, recognized: true }
    : { value: 'unknown', original, recognized: false };
}

import type { PlistValue } from 'plist';
import { LRUCache } from 'lru-cache';
import { parsePropertyList } from '../../shared/property-list.js';
import { z } from 'zod';
import { MdmMessageError } from './apple-mdm.errors.js';

/**
 * Who a message is from (Apple's MDM protocol reference, "Authenticate"): a device enrolled by
 * Device Enrollment names its hardware `UDID`; a User Enrollment (iOS 13+, macOS 10.15+) names
 * its `EnrollmentID` and never the UDID. A macOS user channel adds `UserID` (or `EnrollmentUserID`)
 * to the device's identity.
 */
export type MdmIdentity =
  | { kind: 'device'; udid: string; userId: string | null }
  | { kind: 'userEnrollment'; enrollmentId: string; userId: string | null };

/** The key an identity is stored under (`udid` column or `enrollment_id` column). */
export function identityKey(identity: MdmIdentity): string {
  return identity.kind === 'device' ? identity.udid : identity.enrollmentId;
}

const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v ? v : null));
const bytes = z.instanceof(Uint8Array).transform((v) => Buffer.from(v));

/** Fields every check-in and status message may carry to say who it is from. */
const identityFields = {
  UDID: text(128).optional(),
  EnrollmentID: text(128).optional(),
  UserID: text(128).optional(),
  EnrollmentUserID: text(128).optional(),
};

/** Apple: `Topic` is the push certificate's topic, `com.apple.mgmt.…` for an MDM push certificate. */
const topic = text(255);

const authenticate = z.object({
  MessageType: z.literal('Authenticate'),
  Topic: topic,
  ...identityFields,
  SerialNumber: optionalText(128),
  IMEI: optionalText(64),
  MEID: optionalText(64),
  OSVersion: optionalText(64),
  BuildVersion: optionalText(64),
  ProductName: optionalText(128),
  DeviceName: optionalText(256),
  Model: optionalText(128),
  ModelName: optionalText(128),
});

const tokenUpdate = z.object({
  MessageType: z.literal('TokenUpdate'),
  Topic: topic,
  ...identityFields,
  Token: bytes,
  PushMagic: text(256),
  UnlockToken: bytes.optional(),
  AwaitingConfiguration: z.boolean().optional(),
});

const checkOut = z.object({ MessageType: z.literal('CheckOut'), Topic: topic, ...identityFields });
const userAuthenticate = z.object({
  MessageType: z.literal('UserAuthenticate'),
  ...identityFields,
  DigestResponse: z.string().optional(),
});
const getBootstrapToken = z.object({ MessageType: z.literal('GetBootstrapToken'), ...identityFields });
const setBootstrapToken = z.object({
  MessageType: z.literal('SetBootstrapToken'),
  ...identityFields,
  BootstrapToken: bytes.optional(),
});
const declarativeManagement = z.object({
  MessageType: z.literal('DeclarativeManagement'),
  ...identityFields,
  Endpoint: text(256),
  Data: bytes.optional(),
});

const checkInSchema = z.discriminatedUnion('MessageType', [
  authenticate,
  tokenUpdate,
  checkOut,
  userAuthenticate,
  getBootstrapToken,
  setBootstrapToken,
  declarativeManagement,
]);

/** Apple's command status values (protocol reference, "Command Responses"). */
export const COMMAND_STATUSES = ['Idle', 'Acknowledged', 'Error', 'CommandFormatError', 'NotNow'] as const;
export type CommandStatus = (typeof COMMAND_STATUSES)[number];

const errorChainItem = z.object({
  ErrorCode: z.number().int().optional(),
  ErrorDomain: z.string().optional(),
  LocalizedDescription: z.string().optional(),
  USEnglishDescription: z.string().optional(),
});

const commandReportSchema = z
  .looseObject({
    Status: z.enum(COMMAND_STATUSES),
    ...identityFields,
    CommandUUID: text(128).optional(),
    ErrorChain: z.array(errorChainItem).optional(),
  })
  .refine((r) => r.Status === 'Idle' || r.CommandUUID !== undefined, {
    path: ['CommandUUID'],
    message: 'every status but Idle answers a command and names its CommandUUID',
  });

type CheckInFields = z.output<typeof checkInSchema>;

/** A parsed, validated check-in message (PUT to the CheckInURL). */
export type CheckInMessage = (
  | Omit<z.output<typeof authenticate>, keyof typeof identityFields>
  | Omit<z.output<typeof tokenUpdate>, keyof typeof identityFields>
  | Omit<z.output<typeof checkOut>, keyof typeof identityFields>
  | Omit<z.output<typeof userAuthenticate>, keyof typeof identityFields>
  | Omit<z.output<typeof getBootstrapToken>, keyof typeof identityFields>
  | Omit<z.output<typeof setBootstrapToken>, keyof typeof identityFields>
  | Omit<z.output<typeof declarativeManagement>, keyof typeof identityFields>
) & { identity: MdmIdentity };

/** One entry of a command's `ErrorChain`. */
export type ErrorChainItem = z.output<typeof errorChainItem>;

/** A parsed, validated command report (PUT to the ServerURL): Idle, or the answer to one command. */
export interface CommandReport {
  status: CommandStatus;
  identity: MdmIdentity;
  /** Null for Idle. */
  commandUuid: string | null;
  errorChain: ErrorChainItem[];
  /** The whole body, for the command's stored answer (e.g. DeviceInformation's QueryResponses). */
  body: Record<string, PlistValue>;
}

/**
 * Parses a check-in body (XML plist). Keys beyond those Apple documents are ignored; an identity
 * is required: a UDID, or an EnrollmentID without a UDID (Apple forbids both).
 * @throws MdmMessageError (not a plist dictionary, unknown MessageType, missing or malformed keys)
 */
export function parseCheckInMessage(body: Buffer): CheckInMessage {
  const dict = parseDictionary(body);
  const parsed = checkInSchema.safeParse(dict);
  if (!parsed.success) throw invalid(parsed.error);
  const fields: CheckInFields = parsed.data;
  const { UDID, EnrollmentID, UserID, EnrollmentUserID, ...rest } = fields;
  return { ...rest, identity: toIdentity(UDID, EnrollmentID, UserID ?? EnrollmentUserID) };
}

/**
 * Parses a command report (Idle, Acknowledged, Error, CommandFormatError, NotNow).
 * @throws MdmMessageError
 */
export function parseCommandReport(body: Buffer): CommandReport {
  // A device's Idle report is the same bytes at every check-in: parsed once (the plist parser was
  // ~12% of the gateway's CPU in an Idle storm). Parsing is a pure function of the bytes, so a
  // remembered result is what parsing again would give; only accepted Idle reports are kept.
  const key = body.length <= IDLE_REPORT_MAX_BYTES ? body.toString('latin1') : undefined;
  const known = key === undefined ? undefined : idleReports.get(key);
  if (known) return copyOf(known);
  const report = parseAnyCommandReport(body);
  if (key === undefined || report.status !== 'Idle') return report;
  idleReports.set(key, report);
  return copyOf(report);
}

/** A remembered Idle report as its own object for one caller. */
function copyOf(report: CommandReport): CommandReport {
  return {
    ...report,
    identity: { ...report.identity },
    errorChain: report.errorChain.map((item) => ({ ...item })),
    body: { ...report.body },
  };
}

/** Idle reports are a few hundred bytes; larger bodies are answers, never remembered. */
const IDLE_REPORT_MAX_BYTES = 2048;
/** Parsed Idle reports by their bytes (one per device of a storm; ~1 KB each). */
const idleReports = new LRUCache<string, CommandReport>({ max: 20_000 });

function parseAnyCommandReport(body: Buffer): CommandReport {
  const dict = parseDictionary(body);
  const parsed = commandReportSchema.safeParse(dict);
  if (!parsed.success) throw invalid(parsed.error);
  const r = parsed.data;
  return {
    status: r.Status,
    identity: toIdentity(r.UDID, r.EnrollmentID, r.UserID ?? r.EnrollmentUserID),
    commandUuid: r.CommandUUID ?? null,
    errorChain: r.ErrorChain ?? [],
    body: dict,
  };
}

function toIdentity(
  udid: string | undefined,
  enrollmentId: string | undefined,
  userId: string | undefined,
): MdmIdentity {
  if (udid && enrollmentId)
    throw new MdmMessageError('a message names a UDID or an EnrollmentID, never both');
  if (udid) return { kind: 'device', udid, userId: userId ?? null };
  if (enrollmentId) return { kind: 'userEnrollment', enrollmentId, userId: userId ?? null };
  throw new MdmMessageError('the message names neither a UDID nor an EnrollmentID');
}

function parseDictionary(body: Buffer): Record<string, PlistValue> {
  if (body.length === 0) throw new MdmMessageError('the body is empty');
  let value: PlistValue;
  try {
    value = parsePropertyList(body);
  } catch (error) {
    throw new MdmMessageError(`the body is refused: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array)
    throw new MdmMessageError('the property list is not a dictionary');
  if (value instanceof Date) throw new MdmMessageError('the property list is not a dictionary');
  return value as Record<string, PlistValue>;
}

function invalid(error: z.ZodError): MdmMessageError {
  return new MdmMessageError(
    error.issues.map((i) => `${i.path.join('.') || 'MessageType'}: ${i.message}`).join('; '),
  );
}

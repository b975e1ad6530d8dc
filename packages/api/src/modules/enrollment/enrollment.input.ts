import { Field, ID, InputType } from 'type-graphql';
import { z } from 'zod';
import { EnrollmentMethodKind } from '../catalog/enrollment-method-kind.enum.js';
import { DevicePlatform } from '../catalog/platform.enum.js';
import { CheckInProofType } from '../check-in/check-in.enums.js';
import { WindowsJoinType } from '../device/device.enums.js';
import { normalizeImei, normalizeSerialNumber } from '../device/hardware-identifiers.js';
import { isPlaceholderHardwareId } from '../device/placeholder-hardware-id.js';
import { optionalUserPrincipalNameSchema } from '../user/user-principal-name.js';

@InputType({
  description:
    "The device's proof of possession of its current credential, made as for a check-in (docs/certificates.md) over the id of the record it re-enrolls.",
})
export class DeviceProofInput {
  @Field(() => String, { description: 'Serial number (hex) of the MDM certificate the proof is made with.' })
  certificateSerialNumber!: string;

  @Field({ description: 'ISO-8601 instant the device signed, within CHECK_IN_MAX_SKEW_SECONDS (300).' })
  timestamp!: string;

  @Field({ description: 'Fresh nonce: 8-256 printable ASCII characters.' })
  nonce!: string;

  @Field({
    description:
      'Base64 proof over `${deviceId}\\n${timestamp}\\n${nonce}` (deviceId: the record being re-enrolled): the certificate-key signature or the device-token HMAC.',
  })
  signature!: string;

  @Field(() => CheckInProofType, {
    defaultValue: CheckInProofType.SIGNATURE,
    description: 'Default SIGNATURE.',
  })
  proofType: CheckInProofType = CheckInProofType.SIGNATURE;
}

@InputType({ description: 'A device asking to enroll, and who enrolls it.' })
export class EnrollDeviceInput {
  @Field(() => DevicePlatform, { description: 'Platform of the device.' })
  platform!: DevicePlatform;

  @Field(() => EnrollmentMethodKind, {
    defaultValue: EnrollmentMethodKind.BYOD,
    description:
      "Enrollment method; must be a row of the platform's enrollment table (Intune). Default BYOD.",
  })
  method: EnrollmentMethodKind = EnrollmentMethodKind.BYOD;

  @Field(() => String, {
    nullable: true,
    description:
      'UPN of the user the device is affine to: required when the method has user affinity YES, refused when NO. At most 320 characters.',
  })
  userPrincipalName?: string | null;

  @Field({ description: 'Device name, 1-256 characters.' })
  deviceName!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Serial number, 1-128 characters; periods are removed. A serial number or an IMEI is required. A firmware placeholder ("Default string", "To be filled by O.E.M.", "System Serial Number", "0", all zeros, ...) identifies no hardware: it matches no record or corporate identifier and is not recorded.',
  })
  serialNumber?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'IMEI: spaces and dashes ignored; 15 digits with a valid Luhn check digit, or 14 digits (the check digit is then computed).',
  })
  imei?: string | null;

  @Field({ description: 'Operating system version, 1-64 characters.' })
  osVersion!: string;

  @Field(() => String, { nullable: true, description: 'Model, at most 128 characters.' })
  model?: string | null;

  @Field(() => String, { nullable: true, description: 'Manufacturer, at most 128 characters.' })
  manufacturer?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'PKCS#10 certificate signing request (PEM, EC P-256 or RSA >= 2048, at most 16 KiB) for the MDM certificate; the device keeps its key. Omitted: the gateway generates the key pair and returns the private key once.',
  })
  csr?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'DEM only, and required then: UPN of the device enrollment manager account enrolling the device (Intune: Device enrollment manager).',
  })
  enrollmentManagerUserPrincipalName?: string | null;

  @Field(() => WindowsJoinType, {
    nullable: true,
    description:
      'AUTO_ENROLL only, and required then: Azure AD join type; joined → company, registered → personal.',
  })
  joinType?: WindowsJoinType | null;

  @Field(() => String, {
    nullable: true,
    description:
      'BULK_ENROLL only, and required then: the bulk enrollment token of the provisioning package.',
  })
  bulkEnrollmentToken?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'USB_DIRECT only, and required then: the token of an unexpired `.mobileconfig` export (exportAppleEnrollmentProfile).',
  })
  profileExportToken?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Exchange ActiveSync device id the device reports, 1-128 characters: a device already known through an Exchange connector is linked (easActivated), not duplicated.',
  })
  easDeviceId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description:
      'BYOD only: the previous record of this device when it has no stable hardware id (no serial number or IMEI, or only firmware placeholders such as "Default string"); that record is retired and a new one created.',
  })
  replacesDeviceId?: string | null;

  @Field(() => DeviceProofInput, {
    nullable: true,
    description:
      "The device's proof of possession of the credential of its current enrollment: lets the device itself re-enroll for a new user hardware that another user holds actively (otherwise HARDWARE_HELD_BY_ANOTHER_USER unless the method resets the device or an administrator enrolls it).",
  })
  deviceProof?: DeviceProofInput | null;
}

/** A zod refinement step that applies one of the hardware-identifier normalizers. */
const normalized = (normalize: typeof normalizeImei) =>
  z.string().transform((raw, ctx) => {
    const result = normalize(raw);
    if (result.ok) return result.value;
    ctx.addIssue({ code: 'custom', message: result.message, params: { rule: result.rule } });
    return z.NEVER;
  });

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((v) => (v ? v : null));

/** Validation of {@link EnrollDeviceInput}; every rejection names the field and the rule. */
export const enrollDeviceSchema = z
  .object({
    platform: z.enum(DevicePlatform),
    method: z.enum(EnrollmentMethodKind),
    userPrincipalName: optionalUserPrincipalNameSchema,
    deviceName: z.string().trim().min(1).max(256),
    serialNumber: normalized(normalizeSerialNumber)
      .nullish()
      .transform((v) => v ?? null),
    imei: normalized(normalizeImei)
      .nullish()
      .transform((v) => v ?? null),
    osVersion: z.string().trim().min(1).max(64),
    model: optionalText(128),
    manufacturer: optionalText(128),
    // The MDM certificate's key comes from the device's CSR when it sends one.
    csr: z
      .string()
      .max(16_384)
      .nullish()
      .transform((v) => v ?? null),
    enrollmentManagerUserPrincipalName: optionalUserPrincipalNameSchema,
    joinType: z
      .enum(WindowsJoinType)
      .nullish()
      .transform((v) => v ?? null),
    bulkEnrollmentToken: z
      .string()
      .min(1)
      .max(256)
      .nullish()
      .transform((v) => v ?? null),
    profileExportToken: z
      .string()
      .min(1)
      .max(256)
      .nullish()
      .transform((v) => v ?? null),
    easDeviceId: z
      .string()
      .trim()
      .min(1)
      .max(128)
      .nullish()
      .transform((v) => v ?? null),
    replacesDeviceId: z
      .uuid({ error: 'must be a UUID' })
      .nullish()
      .transform((v) => v ?? null),
    deviceProof: z
      .object({
        certificateSerialNumber: z.string().min(1).max(64),
        timestamp: z.string().min(1).max(64),
        nonce: z.string().min(1).max(256),
        signature: z.string().min(1).max(1024),
        proofType: z.enum(CheckInProofType).default(CheckInProofType.SIGNATURE),
      })
      .nullish()
      .transform((v) => v ?? null),
  })
  // BYOD may lack a stable hardware id (e.g. privacy-preserving personal enrollments): such a
  // device is identified by its record only (see replacesDeviceId); every other method needs one.
  .refine((d) => d.serialNumber !== null || d.imei !== null || d.method === EnrollmentMethodKind.BYOD, {
    path: ['serialNumber'],
    message: 'a serial number or an IMEI is required to identify the hardware',
    params: { rule: 'required' },
  })
  .refine(
    (d) =>
      d.replacesDeviceId === null ||
      (d.method === EnrollmentMethodKind.BYOD && !identifies(d.serialNumber) && !identifies(d.imei)),
    {
      path: ['replacesDeviceId'],
      message: 'only for BYOD devices without a serial number or IMEI',
      params: { rule: 'byodWithoutHardwareId' },
    },
  );

/** A reported hardware id that identifies hardware: present and not a firmware placeholder. */
function identifies(id: string | null): boolean {
  return id !== null && !isPlaceholderHardwareId(id);
}

/** Enrollment request after validation and normalization. */
export type EnrollDeviceCommand = z.output<typeof enrollDeviceSchema>;

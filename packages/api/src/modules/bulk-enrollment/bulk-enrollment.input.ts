import { Field, InputType, Int } from 'type-graphql';
import { z } from 'zod';
import { normalizeImei, normalizeSerialNumber } from '../device/hardware-identifiers.js';
import { isPlaceholderHardwareId } from '../device/placeholder-hardware-id.js';

/** Most devices one `enrollDevices` call accepts (up to 1,000 per call). */
export const BULK_ENROLL_MAX_DEVICES = 1000;

@InputType({
  description: 'One Windows device of a bulk enrollment (provisioning package); userless and corporate.',
})
export class BulkEnrollDeviceInput {
  @Field({ description: 'Device name, 1-256 characters.' })
  deviceName!: string;

  @Field({ description: 'Serial number, 1-128 characters; periods removed. Unique within the call.' })
  serialNumber!: string;

  @Field(() => String, {
    nullable: true,
    description: 'IMEI (15 digits with Luhn check digit, or 14 completed).',
  })
  imei?: string | null;

  @Field({ description: 'Windows version, 1-64 characters.' })
  osVersion!: string;

  @Field(() => String, { nullable: true, description: 'At most 128 characters.' })
  model?: string | null;

  @Field(() => String, { nullable: true, description: 'At most 128 characters.' })
  manufacturer?: string | null;
}

@InputType({
  description:
    'A Windows bulk enrollment of up to 1,000 devices with one bulk enrollment token; all or nothing.',
})
export class EnrollDevicesInput {
  @Field({ description: "The provisioning package's bulk enrollment token (createBulkEnrollmentToken)." })
  bulkEnrollmentToken!: string;

  @Field(() => [BulkEnrollDeviceInput], { description: '1 to 1,000 devices.' })
  devices!: BulkEnrollDeviceInput[];
}

@InputType({ description: 'A new bulk enrollment token.' })
export class CreateBulkEnrollmentTokenInput {
  @Field({ description: 'Name, 1-128 characters.' })
  displayName!: string;

  @Field(() => Int, { description: 'Days until the token expires, 1-180.' })
  validityDays!: number;
}

const identifier = (normalize: typeof normalizeImei) =>
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

const deviceSchema = z.object({
  deviceName: z.string().trim().min(1).max(256),
  serialNumber: identifier(normalizeSerialNumber),
  imei: identifier(normalizeImei)
    .nullish()
    .transform((v) => v ?? null),
  osVersion: z.string().trim().min(1).max(64),
  model: optionalText(128),
  manufacturer: optionalText(128),
});

/** Validation of {@link EnrollDevicesInput}: every device checked, every violation reported (`input.devices.<i>.<field>`). */
export const enrollDevicesSchema = z
  .object({
    bulkEnrollmentToken: z.string().min(1).max(256),
    devices: z.array(deviceSchema).min(1).max(BULK_ENROLL_MAX_DEVICES),
  })
  .superRefine((d, ctx) => {
    const seen = new Map<string, number>();
    d.devices.forEach((device, i) => {
      // A firmware placeholder ("Default string") is shared by unrelated PCs and identifies none.
      if (isPlaceholderHardwareId(device.serialNumber)) return;
      const first = seen.get(device.serialNumber);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['devices', i, 'serialNumber'],
          message: `same serial number as devices.${first}`,
          params: { rule: 'unique' },
        });
      } else seen.set(device.serialNumber, i);
    });
  });

export type EnrollDevicesCommand = z.output<typeof enrollDevicesSchema>;

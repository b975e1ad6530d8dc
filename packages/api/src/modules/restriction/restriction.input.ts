import { Field, InputType, Int } from 'type-graphql';
import { z } from 'zod';
import { DevicePlatform } from '../catalog/platform.enum.js';
import { RestrictionKind } from './restriction.entity.js';

@InputType({
  description: 'A new enrollment restriction. DEVICE_LIMIT needs `deviceLimit`; PLATFORM needs `platform`.',
})
export class CreateEnrollmentRestrictionInput {
  @Field({ description: 'Name, 1-128 characters; refusals name it.' })
  displayName!: string;

  @Field(() => RestrictionKind)
  kind!: RestrictionKind;

  @Field(() => Int, {
    description: 'Lower wins among applicable restrictions of the same kind; 1-10000, unique per kind.',
  })
  priority!: number;

  @Field(() => [String], {
    nullable: true,
    description: 'Targeted user groups (1-128 characters each, at most 100); empty or omitted: everyone.',
  })
  targetGroups?: string[] | null;

  @Field(() => Int, {
    nullable: true,
    description: 'DEVICE_LIMIT: devices per user, 1-15 (Graph deviceEnrollmentLimitConfiguration `limit`).',
  })
  deviceLimit?: number | null;

  @Field(() => DevicePlatform, { nullable: true, description: 'PLATFORM: which platform.' })
  platform?: DevicePlatform | null;

  @Field(() => Boolean, { nullable: true, description: 'PLATFORM: block the platform. Default false.' })
  platformBlocked?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'PLATFORM: block personally owned devices. Default false.',
  })
  personalDeviceEnrollmentBlocked?: boolean | null;

  @Field(() => String, {
    nullable: true,
    description: 'PLATFORM: minimum OS version, dotted numbers (e.g. "16.0").',
  })
  osMinimumVersion?: string | null;

  @Field(() => String, { nullable: true, description: 'PLATFORM: maximum OS version, dotted numbers.' })
  osMaximumVersion?: string | null;
}

const version = z
  .string()
  .trim()
  .regex(/^\d+(\.\d+){0,3}$/, { error: 'must be dotted numbers such as 16.4' })
  .nullish()
  .transform((v) => v ?? null);

/** Validation of {@link CreateEnrollmentRestrictionInput}. */
export const createRestrictionSchema = z
  .object({
    displayName: z.string().trim().min(1).max(128),
    kind: z.enum(RestrictionKind),
    priority: z.number().int().min(1).max(10_000),
    targetGroups: z
      .array(z.string().trim().min(1).max(128))
      .max(100)
      .nullish()
      .transform((v) => v ?? []),
    // Graph deviceEnrollmentLimitConfiguration: 1-15 devices per user.
    deviceLimit: z
      .number()
      .int()
      .min(1)
      .max(15)
      .nullish()
      .transform((v) => v ?? null),
    platform: z
      .enum(DevicePlatform)
      .nullish()
      .transform((v) => v ?? null),
    platformBlocked: z
      .boolean()
      .nullish()
      .transform((v) => v ?? false),
    personalDeviceEnrollmentBlocked: z
      .boolean()
      .nullish()
      .transform((v) => v ?? false),
    osMinimumVersion: version,
    osMaximumVersion: version,
  })
  .refine((d) => d.kind !== RestrictionKind.DEVICE_LIMIT || d.deviceLimit !== null, {
    path: ['deviceLimit'],
    message: 'a DEVICE_LIMIT restriction needs deviceLimit',
    params: { rule: 'required' },
  })
  .refine((d) => d.kind !== RestrictionKind.PLATFORM || d.platform !== null, {
    path: ['platform'],
    message: 'a PLATFORM restriction needs platform',
    params: { rule: 'required' },
  });

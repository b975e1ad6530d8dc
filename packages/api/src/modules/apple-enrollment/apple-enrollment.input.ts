import { Field, ID, InputType } from 'type-graphql';
import { z } from 'zod';
import { AppleProfileKind } from './enrollment-profile.entity.js';

@InputType({
  description: 'A new Apple enrollment profile (Graph depEnrollmentProfile fields; kiosk mode for USB-SA).',
})
export class CreateAppleEnrollmentProfileInput {
  @Field({ description: 'Name, 1-128 characters.' })
  displayName!: string;

  @Field(() => AppleProfileKind, { description: 'DEP, USB_SA or USB_DIRECT.' })
  kind!: AppleProfileKind;

  @Field(() => Boolean, {
    nullable: true,
    description: 'User affinity (DEP, USB_SA). Must be false for USB_DIRECT (userless). Default false.',
  })
  requiresUserAuthentication?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Graph `isMandatory` (DEP). Default false.' })
  isMandatory?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Graph `profileRemovalDisabled` (DEP). Default false.',
  })
  profileRemovalDisabled?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Graph `awaitDeviceConfiguredConfirmation` (DEP). Default false.',
  })
  awaitDeviceConfiguredConfirmation?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Graph `isDefault` (DEP): new DEP serials without a profile get this one. Default false.',
  })
  isDefault?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Kiosk mode (USB_SA only). Default false.' })
  kioskModeEnabled?: boolean | null;
}

@InputType({
  description:
    'Assigns a profile to serials already in the matching Apple list (DEP list for DEP profiles, Configurator list for USB_SA).',
})
export class AssignAppleEnrollmentProfileInput {
  @Field(() => ID)
  profileId!: string;

  @Field(() => [String], { description: 'Serial numbers, 1-1000.' })
  serialNumbers!: string[];
}

const flag = z
  .boolean()
  .nullish()
  .transform((v) => v ?? false);

/** Validation of {@link CreateAppleEnrollmentProfileInput}. */
export const createProfileSchema = z
  .object({
    displayName: z.string().trim().min(1).max(128),
    kind: z.enum(AppleProfileKind),
    requiresUserAuthentication: flag,
    isMandatory: flag,
    profileRemovalDisabled: flag,
    awaitDeviceConfiguredConfirmation: flag,
    isDefault: flag,
    kioskModeEnabled: flag,
  })
  // Seed: USB-Direct devices are managed as user-less devices.
  .refine((d) => d.kind !== AppleProfileKind.USB_DIRECT || !d.requiresUserAuthentication, {
    path: ['requiresUserAuthentication'],
    message: 'USB-Direct enrollment is userless',
    params: { rule: 'userless' },
  })
  // Seed: kiosk mode needs supervision, which USB-SA gives; the DEP profile has no such option here.
  .refine((d) => d.kind === AppleProfileKind.USB_SA || !d.kioskModeEnabled, {
    path: ['kioskModeEnabled'],
    message: 'kiosk mode is a USB-SA profile option',
    params: { rule: 'usbSaOnly' },
  })
  .refine((d) => d.kind === AppleProfileKind.DEP || !d.isDefault, {
    path: ['isDefault'],
    message: 'only DEP profiles can be the default',
    params: { rule: 'depOnly' },
  });

/** Validation of {@link AssignAppleEnrollmentProfileInput}. */
export const assignProfileSchema = z.object({
  profileId: z.uuid({ error: 'must be a UUID' }),
  serialNumbers: z.array(z.string().trim().min(1).max(128)).min(1).max(1000),
});

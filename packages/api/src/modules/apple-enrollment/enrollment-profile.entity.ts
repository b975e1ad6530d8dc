import { randomUUID } from 'node:crypto';
import { Entity, Enum, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

/** Which Apple method an enrollment profile serves (seed: DEP, USB-SA, USB-Direct rows of the iOS table). */
export enum AppleProfileKind {
  DEP = 'DEP',
  USB_SA = 'USB_SA',
  USB_DIRECT = 'USB_DIRECT',
}
registerEnumType(AppleProfileKind, {
  name: 'AppleProfileKind',
  description: 'The Apple enrollment method a profile serves: DEP, USB_SA or USB_DIRECT.',
});

/**
 * An Apple enrollment profile (Graph `depEnrollmentProfile` for DEP; Intune's Configurator
 * profiles for USB-SA / USB-Direct). The OPTIONAL cells of the seed's iOS table are decided here:
 * user affinity from `requiresUserAuthentication`, locked from `isMandatory`/`profileRemovalDisabled`.
 */
@ObjectType({
  description: 'An Apple enrollment profile (Graph `depEnrollmentProfile`, or a Configurator profile).',
})
@Entity({ tableName: 'apple_enrollment_profile' })
export class AppleEnrollmentProfile {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field({ description: 'Name shown to admins, 1-128 characters.' })
  @Property({ type: 'string', length: 128 })
  displayName!: string;

  @Field(() => AppleProfileKind, { description: 'The method the profile serves.' })
  @Enum({ items: () => AppleProfileKind })
  kind!: AppleProfileKind;

  @Field(() => Boolean, {
    description:
      'User affinity: the device is enrolled for the user who authenticates in Setup Assistant (Intune: DEP/USB-SA "Optional").',
  })
  @Property({ type: 'boolean', default: false })
  requiresUserAuthentication: boolean & Opt = false;

  @Field(() => Boolean, {
    description:
      'Supervised mode (DEP and USB-SA are always supervised here; the flag is kept as Graph sends it).',
  })
  @Property({ type: 'boolean', default: true })
  supervisedModeEnabled: boolean & Opt = true;

  @Field(() => Boolean, {
    description: 'Graph `isMandatory`: the user cannot skip enrollment; with DEP this locks the enrollment.',
  })
  @Property({ type: 'boolean', default: false })
  isMandatory: boolean & Opt = false;

  @Field(() => Boolean, {
    description:
      'Graph `profileRemovalDisabled`: the management profile cannot be removed (locked enrollment).',
  })
  @Property({ type: 'boolean', default: false })
  profileRemovalDisabled: boolean & Opt = false;

  @Field(() => Boolean, {
    description:
      'Graph `awaitDeviceConfiguredConfirmation`: Setup Assistant waits until the device is configured.',
  })
  @Property({ type: 'boolean', default: false })
  awaitDeviceConfiguredConfirmation: boolean & Opt = false;

  @Field(() => Boolean, {
    description: 'Graph `isDefault`: assigned to new DEP serials that name no profile.',
  })
  @Property({ type: 'boolean', default: false })
  isDefault: boolean & Opt = false;

  @Field(() => Boolean, {
    description: 'Kiosk mode (USB-SA profile option; Intune: supervision enables kiosk mode).',
  })
  @Property({ type: 'boolean', default: false })
  kioskModeEnabled: boolean & Opt = false;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  createdDateTime!: Date;
}

import { registerEnumType } from 'type-graphql';

/** The enrollment methods named in the seed's tables (rows), across all platforms. */
export enum EnrollmentMethodKind {
  /** Bring your own device: a user enrolls a personal device through the Company Portal. */
  BYOD = 'BYOD',
  /** Device enrollment manager: one special account enrolls many userless corporate devices. */
  DEM = 'DEM',
  /** Apple Device Enrollment Program / Automated Device Enrollment (iOS). */
  DEP = 'DEP',
  /** Apple Configurator over USB with Setup Assistant (iOS). */
  USB_SA = 'USB_SA',
  /** Apple Configurator over USB, direct enrollment without Setup Assistant (iOS). */
  USB_DIRECT = 'USB_DIRECT',
  /** Windows automatic enrollment through Azure AD join or registration. */
  AUTO_ENROLL = 'AUTO_ENROLL',
  /** Windows bulk enrollment with a provisioning package. */
  BULK_ENROLL = 'BULK_ENROLL',
  /** Android for Work (work profile). */
  ANDROID_FOR_WORK = 'ANDROID_FOR_WORK',
}

registerEnumType(EnrollmentMethodKind, {
  name: 'EnrollmentMethodKind',
  description: 'An enrollment method of Intune’s “What is device enrollment?”, one row of its tables.',
});

/** Whether a seed table column applies: the seed writes Yes, No or Optional. */
export enum Requirement {
  YES = 'YES',
  NO = 'NO',
  OPTIONAL = 'OPTIONAL',
}

registerEnumType(Requirement, {
  name: 'Requirement',
  description:
    'A cell of Intune’s enrollment tables: YES, NO, or OPTIONAL (decided by the enrollment profile).',
});

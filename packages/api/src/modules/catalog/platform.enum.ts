import { registerEnumType } from 'type-graphql';

/** Device platforms of the seed's four tables (seed: "iOS/macOS/Windows/Android enrollment methods"). */
export enum DevicePlatform {
  IOS = 'IOS',
  MACOS = 'MACOS',
  WINDOWS = 'WINDOWS',
  ANDROID = 'ANDROID',
}

registerEnumType(DevicePlatform, {
  name: 'DevicePlatform',
  description:
    'Device platform, one per table of Intune’s “What is device enrollment” (iOS, macOS, Windows, Android).',
});

/** Graph's `operatingSystem` string for each platform, as Intune reports it. */
export const operatingSystemName: Record<DevicePlatform, string> = {
  [DevicePlatform.IOS]: 'iOS',
  [DevicePlatform.MACOS]: 'macOS',
  [DevicePlatform.WINDOWS]: 'Windows',
  [DevicePlatform.ANDROID]: 'Android',
};

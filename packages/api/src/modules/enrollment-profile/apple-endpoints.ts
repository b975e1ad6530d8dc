/**
 * The paths of the gateway's Apple enrollment endpoints, relative to PUBLIC_URL. One place, so
 * the profiles that name them (`com.apple.mdm` ServerURL and CheckInURL, `com.apple.security.scep`
 * URL) and the routes that serve them never disagree. Same layout as MicroMDM's.
 */
export const APPLE_PATHS = {
  /** SCEP (RFC 8894): `?operation=GetCACaps | GetCACert | PKIOperation`, GET and POST. */
  scep: '/scep',
  /** Apple MDM check-in (Authenticate, TokenUpdate, CheckOut): the profile's CheckInURL. */
  checkIn: '/mdm/checkin',
  /** Apple MDM commands (status reports, command results): the profile's ServerURL. */
  server: '/mdm/connect',
  /** The signed enrollment profile of an invitation or a USB-Direct export: `?token=<profile token>`. */
  profile: '/enrollment/apple/profile',
  /** DEP (ABM profile `url`): POST of the device's CMS-signed MachineInfo. */
  dep: '/enrollment/apple/dep',
  /** USB-SA (the Configurator export's enrollment URL, `?token=<export token>`): POST of MachineInfo. */
  configurator: '/enrollment/apple/configurator',
} as const;

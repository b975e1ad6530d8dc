import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { EnrollmentMethodKind as M } from '../catalog/enrollment-method-kind.enum.js';
import { DevicePlatform as P } from '../catalog/platform.enum.js';
import { WindowsJoinType } from '../device/device.enums.js';
import type { EnrollmentService } from '../enrollment/enrollment.service.js';
import { UserStore } from '../user/user.store.js';

/** Stateless; one serves every call. */
const users = new UserStore();

/** A small, realistic fleet: every platform, personal devices of a few users. */
const demoDevices = [
  {
    platform: P.IOS,
    method: M.BYOD,
    userPrincipalName: 'adele.vance@contoso.example',
    deviceName: "Adele's iPhone",
    serialNumber: 'F2LXK1A0HG7J',
    imei: '356938035643809',
    osVersion: '17.4.1',
    model: 'iPhone 15',
    manufacturer: 'Apple',
  },
  {
    platform: P.IOS,
    method: M.BYOD,
    userPrincipalName: 'alex.wilber@contoso.example',
    deviceName: "Alex's iPad",
    serialNumber: 'DMPXK2B1J4KL',
    osVersion: '17.3',
    model: 'iPad Air',
    manufacturer: 'Apple',
  },
  {
    platform: P.MACOS,
    method: M.BYOD,
    userPrincipalName: 'megan.bowen@contoso.example',
    deviceName: 'MEGAN-MBP',
    serialNumber: 'C02ZK3C2MD6R',
    osVersion: '14.4',
    model: 'MacBook Pro',
    manufacturer: 'Apple',
  },
  {
    platform: P.MACOS,
    method: M.BYOD,
    userPrincipalName: 'alex.wilber@contoso.example',
    deviceName: 'ALEX-MBA',
    serialNumber: 'FVFXK4D3Q6LR',
    osVersion: '14.2.1',
    model: 'MacBook Air',
    manufacturer: 'Apple',
  },
  {
    platform: P.WINDOWS,
    method: M.BYOD,
    userPrincipalName: 'lee.gu@contoso.example',
    deviceName: 'DESKTOP-LEEGU',
    serialNumber: 'PF3KX9AB',
    osVersion: '10.0.22631.3296',
    model: 'ThinkPad T14',
    manufacturer: 'Lenovo',
  },
  {
    platform: P.WINDOWS,
    method: M.AUTO_ENROLL,
    joinType: WindowsJoinType.azureADJoined,
    userPrincipalName: 'megan.bowen@contoso.example',
    deviceName: 'CONTOSO-MEGAN',
    serialNumber: '5CG1234XYZ',
    osVersion: '10.0.22631.3296',
    model: 'EliteBook 840',
    manufacturer: 'HP',
  },
  {
    platform: P.WINDOWS,
    method: M.AUTO_ENROLL,
    joinType: WindowsJoinType.azureADJoined,
    userPrincipalName: 'adele.vance@contoso.example',
    deviceName: 'CONTOSO-ADELE',
    serialNumber: '7HX92K3',
    osVersion: '10.0.19045.4170',
    model: 'Latitude 7440',
    manufacturer: 'Dell',
  },
  {
    platform: P.ANDROID,
    method: M.BYOD,
    userPrincipalName: 'lee.gu@contoso.example',
    deviceName: 'Pixel 8',
    serialNumber: '3A281FDH2000X7',
    imei: '352099001761481',
    osVersion: '14',
    model: 'Pixel 8',
    manufacturer: 'Google',
  },
  {
    platform: P.ANDROID,
    method: M.ANDROID_FOR_WORK,
    userPrincipalName: 'alex.wilber@contoso.example',
    deviceName: 'Galaxy S24',
    serialNumber: 'R5CX20ABCDE',
    imei: '490154203237518',
    osVersion: '14',
    model: 'SM-S921B',
    manufacturer: 'Samsung',
  },
  {
    platform: P.ANDROID,
    method: M.ANDROID_FOR_WORK,
    userPrincipalName: 'megan.bowen@contoso.example',
    deviceName: 'Galaxy Tab S9',
    serialNumber: 'R52W30FGHIJ',
    osVersion: '13',
    model: 'SM-X710',
    manufacturer: 'Samsung',
  },
];

/**
 * Seeds the demo fleet through the real enrollment service (so every rule applies), once:
 * a database that already has users is left alone.
 * @returns how many devices were enrolled (0 when the database was not empty)
 */
export async function seedDemoFleet(
  em: EntityManager,
  enrollment: EnrollmentService,
  logger: Logger,
): Promise<number> {
  if (await users.any(em)) return 0;
  for (const device of demoDevices) await enrollment.enroll(em.fork(), device);
  logger.info({ devices: demoDevices.length }, 'demo fleet enrolled');
  return demoDevices.length;
}

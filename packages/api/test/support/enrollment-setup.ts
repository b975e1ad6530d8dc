import {
  AssignAppleEnrollmentProfileDocument,
  CheckInDocument,
  CreateAppleEnrollmentProfileDocument,
  CreateBulkEnrollmentTokenDocument,
  EnrollDeviceDocument,
  ExportAppleEnrollmentProfileDocument,
  ImportAbmDevicesDocument,
  ImportConfiguratorSerialsDocument,
  SetDeviceEnrollmentManagerDocument,
  type CreateAppleEnrollmentProfileInput,
  type EnrollDeviceInput,
} from '@mdm/schema';
import { abmPage, uniqueSerial, uniqueUpn } from './builders.js';
import { signedCheckIn, type DeviceCredential } from './device-credential.js';
import type { TestGateway } from './test-gateway.js';

/** Pre-registration through the public API, as an admin would do it, for enrollment tests. */
export function enrollmentSetup(gateway: TestGateway) {
  async function createProfile(
    input: Partial<CreateAppleEnrollmentProfileInput> & Pick<CreateAppleEnrollmentProfileInput, 'kind'>,
  ) {
    const { createAppleEnrollmentProfile: r } = await gateway.query(CreateAppleEnrollmentProfileDocument, {
      input: { displayName: `Profile ${input.kind}`, ...input },
    });
    if (r.__typename !== 'CreateAppleEnrollmentProfileSuccess')
      throw new Error(`profile: ${r.__typename} ${'message' in r ? r.message : ''}`);
    return r.profile;
  }

  /** The credential of every device enrolled through {@link enrolled}, for its check-ins. */
  const credentials = new Map<string, DeviceCredential>();

  return {
    createProfile,

    /** A serial in the DEP list, with a DEP profile of the given settings assigned (none when `profile` is null). */
    async depSerial(profile: Partial<CreateAppleEnrollmentProfileInput> | null = {}): Promise<string> {
      const serial = uniqueSerial();
      const { importAbmDevices: r } = await gateway.query(ImportAbmDevicesDocument, {
        file: { fileName: 'abm.json', content: abmPage([serial]) },
      });
      if (r.__typename !== 'ImportSuccess') throw new Error(`abm import: ${r.__typename}`);
      if (profile) {
        const created = await createProfile({ kind: 'DEP', ...profile });
        const { assignAppleEnrollmentProfile: a } = await gateway.query(
          AssignAppleEnrollmentProfileDocument,
          { input: { profileId: created.id, serialNumbers: [serial] } },
        );
        if (a.__typename !== 'AssignAppleEnrollmentProfileSuccess')
          throw new Error(`assign: ${a.__typename}`);
      }
      return serial;
    },

    /** A serial in the Configurator list with a USB-SA profile of the given settings. */
    async usbSaSerial(profile: Partial<CreateAppleEnrollmentProfileInput> = {}): Promise<string> {
      const serial = uniqueSerial();
      const created = await createProfile({ kind: 'USB_SA', ...profile });
      const { importConfiguratorSerials: r } = await gateway.query(ImportConfiguratorSerialsDocument, {
        file: { fileName: 'configurator.csv', content: `${serial},Lab iPad\n` },
        profileId: created.id,
      });
      if (r.__typename !== 'ImportSuccess') throw new Error(`configurator import: ${r.__typename}`);
      return serial;
    },

    /** The token of a fresh USB-Direct .mobileconfig export. */
    async usbDirectToken(): Promise<{ token: string; expiresDateTime: string }> {
      const created = await createProfile({ kind: 'USB_DIRECT' });
      const { exportAppleEnrollmentProfile: r } = await gateway.query(ExportAppleEnrollmentProfileDocument, {
        profileId: created.id,
      });
      if (r.__typename !== 'ExportAppleEnrollmentProfileSuccess') throw new Error(`export: ${r.__typename}`);
      return { token: r.token, expiresDateTime: r.expiresDateTime! };
    },

    /** A bulk enrollment token secret valid `validityDays`. */
    async bulkToken(validityDays = 30): Promise<string> {
      const { createBulkEnrollmentToken: r } = await gateway.query(CreateBulkEnrollmentTokenDocument, {
        input: { displayName: 'Package', validityDays },
      });
      if (r.__typename !== 'CreateBulkEnrollmentTokenSuccess') throw new Error(`bulk token: ${r.__typename}`);
      return r.secret;
    },

    /** A fresh device enrollment manager account. */
    async demAccount(): Promise<string> {
      const upn = uniqueUpn();
      const { setDeviceEnrollmentManager: r } = await gateway.query(SetDeviceEnrollmentManagerDocument, {
        userPrincipalName: upn,
        enabled: true,
      });
      if (r.__typename !== 'UpdateUserSuccess')
        throw new Error(`dem: ${r.__typename} ${'message' in r ? r.message : ''}`);
      return upn;
    },

    /** Enrolls and returns the typed result (success or error). */
    async enroll(input: EnrollDeviceInput) {
      return (await gateway.query(EnrollDeviceDocument, { input })).enrollDevice;
    },

    /** Enrolls and fails the test unless it succeeded. */
    async enrolled(input: EnrollDeviceInput) {
      const result = (await gateway.query(EnrollDeviceDocument, { input })).enrollDevice;
      if (result.__typename !== 'EnrollDeviceSuccess')
        throw new Error(`enroll: ${result.__typename} ${'message' in result ? result.message : ''}`);
      credentials.set(result.device.id, {
        deviceId: result.device.id,
        certificateSerialNumber: result.certificate.serialNumber,
        privateKeyPem: result.privateKeyPem ?? '',
        deviceToken: result.deviceToken,
      });
      return result.device;
    },

    /** Checks a device enrolled by {@link enrolled} in as the device, signed with its certificate key. */
    async checkIn(deviceId: string) {
      const credential = credentials.get(deviceId);
      if (!credential) throw new Error(`no credential for ${deviceId}: enroll it through enrolled()`);
      return (await gateway.query(CheckInDocument, { input: signedCheckIn(credential, gateway.clock.now()) }))
        .checkIn;
    },
  };
}

import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { describe, expect, it } from 'vitest';
import { findEnrollmentMethod } from '../../src/modules/catalog/enrollment-method.catalog.js';
import { EnrollmentMethodKind } from '../../src/modules/catalog/enrollment-method-kind.enum.js';
import { DevicePlatform as P } from '../../src/modules/catalog/platform.enum.js';
import {
  CorporateIdentifier,
  CorporateIdentifierType as T,
  IdentifierEnrollmentState,
} from '../../src/modules/corporate-identifier/corporate-identifier.entity.js';
import {
  CorporateIdentifierStore,
  type HardwareMatch,
} from '../../src/modules/corporate-identifier/corporate-identifier.store.js';
import { ManagedDevice } from '../../src/modules/device/device.entity.js';
import { planEnrollment, planExchange } from '../../src/modules/enrollment/enrollment-plan.policy.js';
import { AutopilotDevice } from '../../src/modules/imports/autopilot-device.entity.js';
import { describeStore } from './backends.js';

const store = new CorporateIdentifierStore();
const now = new Date('2026-12-03T10:00:00.000Z');
const unique = () => randomUUID().slice(0, 12).toUpperCase();

async function identifier(
  em: EntityManager,
  identifierType: T,
  value: string,
  fields: { manufacturer?: string; model?: string } = {},
): Promise<CorporateIdentifier> {
  const created = em.create(CorporateIdentifier, {
    identifierType,
    identifier: value,
    createdDateTime: now,
    ...fields,
  });
  await em.flush();
  return created;
}

async function autopilot(em: EntityManager, serialNumber: string): Promise<void> {
  em.create(AutopilotDevice, { serialNumber, hardwareHash: 'hash', importedDateTime: now });
  await em.flush();
}

async function record(
  em: EntityManager,
  platform: P,
  serialNumber: string | null,
  imei: string | null,
): Promise<void> {
  const row =
    findEnrollmentMethod(platform, EnrollmentMethodKind.BYOD) ??
    findEnrollmentMethod(platform, EnrollmentMethodKind.AUTO_ENROLL)!;
  const plan = planEnrollment({
    row,
    joinType: null,
    profile: null,
    hasUser: false,
    identified: false,
    autopilotRegistered: false,
  });
  em.create(ManagedDevice, {
    ...plan,
    ...planExchange(null, false),
    deviceName: 'known',
    osVersion: '1',
    serialNumber,
    imei,
    enrolledDateTime: now,
    lastSyncDateTime: now,
  });
  await em.flush();
}

const nothing: HardwareMatch = {
  imei: null,
  serialNumber: null,
  windows: null,
  autopilotSerialNumber: null,
  platform: P.IOS,
};

async function stateOf(em: EntityManager, id: string): Promise<[IdentifierEnrollmentState, Date | null]> {
  const row = await em.findOneOrFail(CorporateIdentifier, id);
  return [row.enrollmentState, row.lastContactedDateTime];
}

describeStore('the corporate identifier store', (backend) => {
  describe('recognize', () => {
    it('marks a matching IMEI or serial identifier enrolled and says the hardware is identified', async () => {
      const em = backend().em();
      const imei = unique();
      const serial = unique();
      const byImei = await identifier(em, T.IMEI, imei);
      const bySerial = await identifier(em, T.SERIAL, serial);
      const untouched = await identifier(em, T.SERIAL, unique());
      expect(await store.recognize(backend().em(), { ...nothing, imei }, now)).toEqual({
        identified: true,
        autopilotRegistered: false,
        hasRecords: false,
      });
      expect(
        (await store.recognize(backend().em(), { ...nothing, serialNumber: serial }, now)).identified,
      ).toBe(true);
      const fresh = backend().em();
      expect(await stateOf(fresh, byImei.id)).toEqual([IdentifierEnrollmentState.enrolled, now]);
      expect(await stateOf(fresh, bySerial.id)).toEqual([IdentifierEnrollmentState.enrolled, now]);
      expect(await stateOf(fresh, untouched.id)).toEqual([IdentifierEnrollmentState.notContacted, null]);
    });

    it('matches serial numbers ignoring case, as imports compare them, one device at a time and in a batch', async () => {
      const em = backend().em();
      const serial = unique();
      const winSerial = unique();
      const bySerial = await identifier(em, T.SERIAL, serial);
      const win = await identifier(em, T.WINDOWS, winSerial, { manufacturer: 'Contoso', model: 'M2' });
      expect(
        (await store.recognize(backend().em(), { ...nothing, serialNumber: serial.toLowerCase() }, now))
          .identified,
      ).toBe(true);
      const windows = { serialNumber: winSerial.toLowerCase(), manufacturer: 'Contoso', model: 'M2' };
      expect(
        (await store.recognize(backend().em(), { ...nothing, platform: P.WINDOWS, windows }, now)).identified,
      ).toBe(true);
      const fresh = backend().em();
      for (const id of [bySerial.id, win.id])
        expect(await stateOf(fresh, id)).toEqual([IdentifierEnrollmentState.enrolled, now]);
      const other = unique();
      await identifier(backend().em(), T.SERIAL, other);
      const [batch] = await store.recognizeMany(
        backend().em(),
        [
          {
            platform: P.IOS,
            serialNumber: other.toLowerCase(),
            imei: null,
            manufacturer: null,
            model: null,
          },
        ],
        now,
      );
      expect(batch).toEqual({ identified: true, autopilotRegistered: false });
    });

    it('matches a WINDOWS identifier only on serial, manufacturer and model together', async () => {
      const em = backend().em();
      const serial = unique();
      const win = await identifier(em, T.WINDOWS, serial, { manufacturer: 'Contoso', model: 'Laptop 7' });
      const windows = { serialNumber: serial, manufacturer: 'Contoso', model: 'Laptop 8' };
      expect(
        (await store.recognize(backend().em(), { ...nothing, platform: P.WINDOWS, windows }, now)).identified,
      ).toBe(false);
      expect(await stateOf(backend().em(), win.id)).toEqual([IdentifierEnrollmentState.notContacted, null]);
      const exact = { ...windows, model: 'Laptop 7' };
      expect(
        (await store.recognize(backend().em(), { ...nothing, platform: P.WINDOWS, windows: exact }, now))
          .identified,
      ).toBe(true);
      expect((await stateOf(backend().em(), win.id))[0]).toBe(IdentifierEnrollmentState.enrolled);
    });

    it('says whether the serial is registered with Autopilot and whether records of the hardware exist', async () => {
      const em = backend().em();
      const serial = unique();
      const imei = unique();
      await autopilot(em, serial);
      await record(em, P.WINDOWS, serial, null);
      await record(em, P.IOS, null, imei);
      const windows = await store.recognize(
        backend().em(),
        { ...nothing, serialNumber: serial, autopilotSerialNumber: serial, platform: P.WINDOWS },
        now,
      );
      expect(windows).toEqual({ identified: false, autopilotRegistered: true, hasRecords: true });
      // Records are of the same platform and serial, or of the IMEI on any platform.
      const otherPlatform = await store.recognize(
        backend().em(),
        { ...nothing, serialNumber: serial, platform: P.MACOS },
        now,
      );
      expect(otherPlatform.hasRecords).toBe(false);
      expect(
        (await store.recognize(backend().em(), { ...nothing, imei, platform: P.ANDROID }, now)).hasRecords,
      ).toBe(true);
      expect(await store.recognize(backend().em(), nothing, now)).toEqual({
        identified: false,
        autopilotRegistered: false,
        hasRecords: false,
      });
    });
  });

  describe('recognizeMany', () => {
    it('answers per device in input order and marks every matching identifier enrolled', async () => {
      const em = backend().em();
      const [imei, serial, winSerial, apSerial] = [unique(), unique(), unique(), unique()];
      const byImei = await identifier(em, T.IMEI, imei);
      const bySerial = await identifier(em, T.SERIAL, serial);
      const win = await identifier(em, T.WINDOWS, winSerial, { manufacturer: 'Contoso', model: 'M1' });
      await autopilot(em, apSerial);
      const device = (
        fields: Partial<{
          platform: P;
          serialNumber: string;
          imei: string;
          manufacturer: string;
          model: string;
        }>,
      ) => ({
        platform: P.WINDOWS,
        serialNumber: null,
        imei: null,
        manufacturer: null,
        model: null,
        ...fields,
      });
      const answers = await store.recognizeMany(
        backend().em(),
        [
          device({ serialNumber: unique() }),
          device({ imei }),
          device({ serialNumber: serial }),
          device({ serialNumber: winSerial, manufacturer: 'Contoso', model: 'M1' }),
          device({ serialNumber: winSerial, manufacturer: 'Contoso', model: 'M1', platform: P.IOS }),
          device({ serialNumber: apSerial }),
          device({ serialNumber: apSerial, platform: P.IOS }),
        ],
        now,
      );
      expect(answers).toEqual([
        { identified: false, autopilotRegistered: false },
        { identified: true, autopilotRegistered: false },
        { identified: true, autopilotRegistered: false },
        { identified: true, autopilotRegistered: false },
        { identified: false, autopilotRegistered: false },
        { identified: false, autopilotRegistered: true },
        { identified: false, autopilotRegistered: false },
      ]);
      const fresh = backend().em();
      for (const id of [byImei.id, bySerial.id, win.id])
        expect(await stateOf(fresh, id)).toEqual([IdentifierEnrollmentState.enrolled, now]);
    });

    it('runs nothing for an empty batch', async () => {
      expect(await store.recognizeMany(backend().em(), [], now)).toEqual([]);
    });
  });
});

import { randomBytes, randomUUID } from 'node:crypto';
import type { EnrollDeviceInput } from '@mdm/schema';
import { luhnCheckDigit } from '../../src/modules/device/hardware-identifiers.js';

let sequence = 0;

/** A serial number no other test uses (uppercase alphanumerics, Apple-like 12 characters). */
export function uniqueSerial(): string {
  return `T${randomBytes(6).toString('hex').toUpperCase()}${(sequence++ % 1000).toString().padStart(3, '0')}`.slice(
    0,
    12,
  );
}

/** A 15-digit, Luhn-valid IMEI no other test uses. */
export function uniqueImei(): string {
  const body =
    `35${Date.now().toString().slice(-8)}${(sequence++ % 10_000).toString().padStart(4, '0')}`.slice(0, 14);
  return `${body}${luhnCheckDigit(body)}`;
}

/** A user principal name no other test uses. */
export function uniqueUpn(): string {
  return `user-${randomUUID().slice(0, 8)}@contoso.example`;
}

/** A valid BYOD enrollment input with unique hardware and user; override any field. */
export function byodInput(overrides: Partial<EnrollDeviceInput> = {}): EnrollDeviceInput {
  return {
    platform: 'IOS',
    method: 'BYOD',
    userPrincipalName: uniqueUpn(),
    deviceName: `Test device ${sequence++}`,
    serialNumber: uniqueSerial(),
    osVersion: '17.4.1',
    model: 'iPhone 15',
    manufacturer: 'Apple',
    ...overrides,
  };
}

/** A user group name no other test uses (restrictions target groups, so tests stay isolated). */
export function uniqueGroup(): string {
  return `group-${randomUUID().slice(0, 8)}`;
}

/** An ABM sync page (Apple Device Assignment API shape) listing `serials` as `added` iPhones. */
export function abmPage(serials: string[], opDate = '2026-01-10T10:00:00Z', opType = 'added'): string {
  return JSON.stringify({
    devices: serials.map((serial_number) => ({
      serial_number,
      model: 'iPhone 15',
      description: 'IPHONE 15 BLACK 128GB',
      os: 'iOS',
      device_family: 'iPhone',
      profile_status: 'empty',
      op_type: opType,
      op_date: opDate,
    })),
    cursor: 'test-cursor',
    more_to_follow: false,
  });
}

import { randomUUID } from 'node:crypto';
import { ref } from '@mikro-orm/core';
import { expect, it } from 'vitest';
import { AuditOutcome } from '../../src/modules/audit/audit-record.entity.js';
import { AuditStore, type NewAuditRow } from '../../src/modules/audit/audit.store.js';
import { EnrollmentMethodKind } from '../../src/modules/catalog/enrollment-method-kind.enum.js';
import { DevicePlatform } from '../../src/modules/catalog/platform.enum.js';
import { DeviceCheckIn } from '../../src/modules/check-in/device-check-in.entity.js';
import { CheckInProofType } from '../../src/modules/check-in/check-in.enums.js';
import { ManagedDevice } from '../../src/modules/device/device.entity.js';
import {
  DeviceEnrollmentType,
  ManagedDeviceOwnerType,
  ManagementState,
} from '../../src/modules/device/device.enums.js';
import { RolloutStore } from '../../src/modules/rollout/rollout.store.js';
import { describeStore, type StoreBackend } from './backends.js';

const store = new RolloutStore();
const audit = new AuditStore();
const MINUTE = 60_000;
const at = (iso: string, minutes = 0) => new Date(new Date(iso).getTime() + minutes * MINUTE);

/** Persists a device enrolled at `enrolled`, last seen at `lastSync`, with check-ins at `checkIns`. */
async function saveDevice(
  backend: StoreBackend,
  enrolled: Date,
  options: { lastSync?: Date; state?: ManagementState; checkIns?: Date[] } = {},
): Promise<ManagedDevice> {
  const em = backend.em();
  const device = em.create(ManagedDevice, {
    deviceName: 'Store test device',
    platform: DevicePlatform.IOS,
    operatingSystem: 'iOS',
    osVersion: '17.4',
    managedDeviceOwnerType: ManagedDeviceOwnerType.personal,
    enrollmentMethod: EnrollmentMethodKind.BYOD,
    enrollmentType: DeviceEnrollmentType.userEnrollment,
    enrolledDateTime: enrolled,
    lastSyncDateTime: options.lastSync ?? enrolled,
  });
  if (options.state) device.managementState = options.state;
  for (const checkedIn of options.checkIns ?? [])
    em.create(DeviceCheckIn, {
      device: ref(device),
      nonce: randomUUID(),
      certificateSerialNumber: '01',
      proofType: CheckInProofType.SIGNATURE,
      renewed: false,
      checkedInDateTime: checkedIn,
    });
  await em.flush();
  return device;
}

/** An audited enrollment attempt (what the audit service writes for `enrollDevice(s)`). */
function attempt(
  occurred: Date,
  fields: {
    action?: string;
    outcome?: AuditOutcome;
    code?: string | null;
    input?: Record<string, unknown>;
    refusal?: string;
  } = {},
): NewAuditRow {
  return {
    id: randomUUID(),
    occurredDateTime: occurred,
    action: fields.action ?? 'enrollDevice',
    outcome: fields.outcome ?? AuditOutcome.refused,
    code: fields.code === undefined ? 'ENROLLMENT_RESTRICTED' : fields.code,
    actorName: null,
    actorTokenId: null,
    actorRole: null,
    clientAddress: null,
    targetType: null,
    targetId: null,
    requestId: null,
    details: JSON.stringify({
      input: fields.input ?? { platform: 'IOS', method: 'BYOD' },
      ...(fields.refusal ? { refusal: fields.refusal } : {}),
    }),
  };
}

const restricted = (name: string) =>
  `refused by enrollment restriction "${name}": personal devices are blocked`;

describeStore('the rollout store', (backend) => {
  it('counts enrollments, check-ins and failed enrollment attempts per bucket, empty buckets included', async () => {
    const t = '2040-01-01T10:00:00Z';
    await saveDevice(backend(), at(t, 0.5), { checkIns: [at(t, 1), at(t, 1.9), at(t, 3)] });
    await saveDevice(backend(), at(t, 2));
    await saveDevice(backend(), at(t, -0.1)); // before the first bucket
    await audit.append(backend().em(), [
      attempt(at(t, 0.2)),
      attempt(at(t, 2.5), { outcome: AuditOutcome.denied, code: 'FORBIDDEN' }),
      attempt(at(t, 2.6), { action: 'enrollDevices', outcome: AuditOutcome.error, code: 'INTERNAL' }),
      attempt(at(t, 2.7), { outcome: AuditOutcome.success, code: null }), // not a failure
      attempt(at(t, 2.8), { action: 'retireDevice' }), // not an enrollment
      attempt(at(t, 4)), // after the last one-minute bucket, inside the 15-minute one
    ]);
    const rows = await store.activity(backend().em(), at(t, 0), at(t, 3), 1);
    expect(rows).toEqual([
      { start: at(t, 0), enrollments: 1, checkIns: 0, failures: 1 },
      { start: at(t, 1), enrollments: 0, checkIns: 2, failures: 0 },
      { start: at(t, 2), enrollments: 1, checkIns: 0, failures: 2 },
      { start: at(t, 3), enrollments: 0, checkIns: 1, failures: 0 },
    ]);
    const wide = await store.activity(backend().em(), at(t, 0), at(t, 0), 15);
    expect(wide).toEqual([{ start: at(t, 0), enrollments: 2, checkIns: 3, failures: 4 }]);
  });

  it('counts active devices as online, offline or missing against two cutoffs', async () => {
    const before = await store.freshness(
      backend().em(),
      at('2041-01-01T00:00:00Z'),
      at('2040-12-01T00:00:00Z'),
    );
    const enrolled = at('2040-06-01T00:00:00Z');
    await saveDevice(backend(), enrolled, { lastSync: at('2041-01-01T00:00:00Z') }); // online (at the cutoff)
    await saveDevice(backend(), enrolled, { lastSync: at('2040-12-15T00:00:00Z') }); // offline
    await saveDevice(backend(), enrolled, { lastSync: at('2040-12-01T00:00:00Z') }); // offline (at the cutoff)
    await saveDevice(backend(), enrolled, { lastSync: at('2040-11-01T00:00:00Z') }); // missing
    for (const state of [ManagementState.retired, ManagementState.wiped, ManagementState.deletePending])
      await saveDevice(backend(), enrolled, { lastSync: at('2041-01-02T00:00:00Z'), state });
    await saveDevice(backend(), enrolled, {
      lastSync: at('2041-01-02T00:00:00Z'),
      state: ManagementState.retirePending,
    }); // still active
    const after = await store.freshness(
      backend().em(),
      at('2041-01-01T00:00:00Z'),
      at('2040-12-01T00:00:00Z'),
    );
    expect({
      online: after.online - before.online,
      offline: after.offline - before.offline,
      missing: after.missing - before.missing,
    }).toEqual({ online: 2, offline: 2, missing: 1 });
  });

  it('groups failed attempts by code, platform, method and restriction, largest and latest first', async () => {
    const t = '2042-01-01T00:00:00Z';
    const name = `Block ${randomUUID().slice(0, 8)}`;
    await audit.append(backend().em(), [
      attempt(at(t, 1), { refusal: restricted(name) }),
      attempt(at(t, 2), { refusal: restricted(name) }),
      attempt(at(t, 3), { refusal: restricted(name), outcome: AuditOutcome.denied }),
      attempt(at(t, 4), { code: 'INPUT_INVALID', input: { platform: 'ANDROID', method: 'BYOD' } }),
      attempt(at(t, 5), { action: 'enrollDevices', code: 'DEVICE_LIMIT', input: {} }),
      attempt(at(t, 6), { code: null, outcome: AuditOutcome.error }),
      attempt(at(t, -1), { refusal: restricted(name) }), // before `since`
      attempt(at(t, 7), { outcome: AuditOutcome.success, code: null }),
    ]);
    const groups = await store.failureGroups(backend().em(), at(t, 0), 10);
    expect(groups).toEqual([
      {
        code: 'ENROLLMENT_RESTRICTED',
        platform: 'IOS',
        method: 'BYOD',
        restriction: name,
        count: 3,
        lastOccurredDateTime: at(t, 3),
      },
      {
        code: 'UNKNOWN',
        platform: 'IOS',
        method: 'BYOD',
        restriction: null,
        count: 1,
        lastOccurredDateTime: at(t, 6),
      },
      {
        code: 'DEVICE_LIMIT',
        platform: 'WINDOWS',
        method: 'BULK_ENROLL',
        restriction: null,
        count: 1,
        lastOccurredDateTime: at(t, 5),
      },
      {
        code: 'INPUT_INVALID',
        platform: 'ANDROID',
        method: 'BYOD',
        restriction: null,
        count: 1,
        lastOccurredDateTime: at(t, 4),
      },
    ]);
    expect(await store.failureGroups(backend().em(), at(t, 0), 2)).toEqual(groups.slice(0, 2));
  });

  it("lists one group's failed attempts newest first, a null key matching only null, at most the limit", async () => {
    const t = '2043-01-01T00:00:00Z';
    const name = `Block ${randomUUID().slice(0, 8)}`;
    const upn = `store-${randomUUID().slice(0, 8)}@contoso.example`;
    const input = {
      platform: 'IOS',
      method: 'BYOD',
      userPrincipalName: upn,
      deviceName: 'iPhone',
      serialNumber: 'S1',
    };
    const rows = [
      attempt(at(t, 1), { refusal: restricted(name), input }),
      attempt(at(t, 2), { refusal: restricted(name), input, outcome: AuditOutcome.denied }),
      attempt(at(t, 3), { input: { platform: 'IOS', method: 'BYOD' } }), // no restriction named
      attempt(at(t, 4), { refusal: restricted(name), input: { platform: 'MACOS', method: 'BYOD' } }),
      attempt(at(t, 5), { action: 'enrollDevices', code: 'DEVICE_LIMIT', input: {} }),
    ];
    await audit.append(backend().em(), rows);

    const group = await store.failureAttempts(
      backend().em(),
      { since: at(t, 0), code: 'ENROLLMENT_RESTRICTED', platform: 'IOS', method: 'BYOD', restriction: name },
      10,
    );
    expect(group).toEqual([
      {
        id: rows[1]!.id,
        occurredDateTime: at(t, 2),
        outcome: 'denied',
        code: 'ENROLLMENT_RESTRICTED',
        platform: 'IOS',
        method: 'BYOD',
        restriction: name,
        reason: restricted(name),
        userPrincipalName: upn,
        deviceName: 'iPhone',
        serialNumber: 'S1',
      },
      expect.objectContaining({ id: rows[0]!.id, outcome: 'refused' }),
    ]);
    const unnamed = await store.failureAttempts(
      backend().em(),
      { since: at(t, 0), platform: 'IOS', restriction: null },
      10,
    );
    expect(unnamed.map((r) => r.id)).toEqual([rows[2]!.id]);
    const bulk = await store.failureAttempts(
      backend().em(),
      { since: at(t, 0), platform: 'WINDOWS', method: 'BULK_ENROLL' },
      10,
    );
    expect(bulk).toEqual([
      expect.objectContaining({
        id: rows[4]!.id,
        code: 'DEVICE_LIMIT',
        userPrincipalName: null,
        reason: null,
      }),
    ]);
    const all = await store.failureAttempts(backend().em(), { since: at(t, 0) }, 3);
    expect(all.map((r) => r.id)).toEqual([rows[4]!.id, rows[3]!.id, rows[2]!.id]);
  });
});

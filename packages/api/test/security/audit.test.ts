import { randomUUID } from 'node:crypto';
import {
  AuditRecordsDocument,
  CreateApiTokenDocument,
  EnrollDeviceDocument,
  ManagedDevicesDocument,
  RevokeApiTokenDocument,
} from '@mdm/schema';
import { describe, expect, it } from 'vitest';
import { byodInput } from '../support/builders.js';
import { useTestGateway } from '../support/kit.js';

describe('the audit trail', () => {
  const gateway = useTestGateway();

  const recordsFor = async (action: string, targetId?: string) =>
    (await gateway.query(AuditRecordsDocument, { action, targetId, first: 50 })).auditRecords.nodes;

  it('records a successful enrollment: who, what, when, target, outcome', async () => {
    const { enrollDevice } = await gateway.query(EnrollDeviceDocument, { input: byodInput() });
    if (enrollDevice.__typename !== 'EnrollDeviceSuccess') throw new Error(enrollDevice.__typename);
    const [record] = await recordsFor('enrollDevice', enrollDevice.device.id);
    expect(record).toMatchObject({
      outcome: 'success',
      actorName: 'bootstrap',
      actorRole: 'ADMIN',
      targetType: 'ManagedDevice',
      targetId: enrollDevice.device.id,
      occurredDateTime: gateway.clock.now().toISOString(),
    });
    expect(record?.details).toMatchObject({ input: expect.objectContaining({ platform: 'IOS' }) });
  });

  it('records a refused enrollment with its code', async () => {
    const { createApiToken } = await gateway.query(CreateApiTokenDocument, {
      input: { name: 'refused enroller', role: 'ENROLLER' },
    });
    if (createApiToken.__typename !== 'CreateApiTokenSuccess') throw new Error(createApiToken.__typename);
    const input = byodInput({ userPrincipalName: null });
    await gateway.as(createApiToken.secret).query(EnrollDeviceDocument, { input });
    const { auditRecords } = await gateway.query(AuditRecordsDocument, {
      actorTokenId: createApiToken.token.id,
      first: 5,
    });
    expect(auditRecords.nodes).toEqual([
      expect.objectContaining({
        action: 'enrollDevice',
        outcome: 'refused',
        code: 'USER_AFFINITY_VIOLATION',
        actorName: 'refused enroller',
        actorRole: 'ENROLLER',
      }),
    ]);
    expect((auditRecords.nodes[0]!.details as { input: { serialNumber: string } }).input.serialNumber).toBe(
      input.serialNumber,
    );
  });

  it('records an attempt denied to a role, and one without a token', async () => {
    const { createApiToken } = await gateway.query(CreateApiTokenDocument, {
      input: { name: 'curious reader', role: 'READER' },
    });
    if (createApiToken.__typename !== 'CreateApiTokenSuccess') throw new Error(createApiToken.__typename);
    await gateway.as(createApiToken.secret).request(EnrollDeviceDocument, { input: byodInput() });
    const { auditRecords } = await gateway.query(AuditRecordsDocument, {
      actorTokenId: createApiToken.token.id,
      first: 5,
    });
    expect(auditRecords.nodes).toEqual([
      expect.objectContaining({
        action: 'enrollDevice',
        outcome: 'denied',
        actorRole: 'READER',
        code: 'FORBIDDEN',
      }),
    ]);
    const requestId = `anonymous-${randomUUID()}`;
    await gateway.as(null).request(ManagedDevicesDocument, { first: 1 }, { 'x-request-id': requestId });
    const anonymous = await gateway.sql(
      'select action, outcome, code, actor_name from audit_record where request_id = ?',
      [requestId],
    );
    expect(anonymous).toEqual([
      { action: 'managedDevices', outcome: 'denied', code: 'UNAUTHENTICATED', actor_name: null },
    ]);
  });

  it('records token creation and revocation without the secret', async () => {
    const { createApiToken } = await gateway.query(CreateApiTokenDocument, {
      input: { name: 'audited', role: 'READER' },
    });
    if (createApiToken.__typename !== 'CreateApiTokenSuccess') throw new Error(createApiToken.__typename);
    await gateway.query(RevokeApiTokenDocument, { id: createApiToken.token.id });
    const created = await recordsFor('createApiToken', createApiToken.token.id);
    const revoked = await recordsFor('revokeApiToken', createApiToken.token.id);
    expect([created[0]?.outcome, revoked[0]?.outcome]).toEqual(['success', 'success']);
    const all = await gateway.sql('select * from audit_record');
    expect(JSON.stringify(all)).not.toContain(createApiToken.secret);
  });

  it('cannot be changed or deleted, even with SQL', async () => {
    await expect(gateway.sql(`update audit_record set outcome = 'success'`)).rejects.toThrow(/append-only/);
    await expect(gateway.sql('delete from audit_record')).rejects.toThrow(/append-only/);
  });

  it('is readable by admins only', async () => {
    const operator = gateway.as(await gateway.createToken('OPERATOR'));
    const response = await operator.request(AuditRecordsDocument, { first: 1 });
    expect(response.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });
});

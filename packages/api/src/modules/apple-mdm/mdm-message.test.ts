import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MdmMessageError } from './apple-mdm.errors.js';
import { parseCheckInMessage, parseCommandReport } from './mdm-message.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../../test/fixtures/apple-mdm/${name}`, import.meta.url));

describe('Apple MDM message parsing', () => {
  it('reads an iOS Authenticate with its UDID, serial number and IMEI as the device sent them', () => {
    const message = parseCheckInMessage(fixture('authenticate-ios.plist'));
    expect(message).toMatchObject({
      MessageType: 'Authenticate',
      identity: { kind: 'device', udid: '00008110-001A2B3C4D5E6F70', userId: null },
      SerialNumber: 'F2LXK0Q7HG7F',
      IMEI: '35 395911 012345 2',
      OSVersion: '17.4.1',
      ProductName: 'iPhone15,2',
    });
  });

  it('reads a macOS Authenticate with its device name and model', () => {
    expect(parseCheckInMessage(fixture('authenticate-macos.plist'))).toMatchObject({
      MessageType: 'Authenticate',
      DeviceName: 'Ada’s MacBook Pro',
      Model: 'Mac15,6',
      IMEI: null,
    });
  });

  it('identifies a User Enrollment by its EnrollmentID', () => {
    expect(parseCheckInMessage(fixture('authenticate-user-enrollment.plist')).identity).toEqual({
      kind: 'userEnrollment',
      enrollmentId: '9B2C4D6E-1A3F-4B5C-8D7E-0F1A2B3C4D5E',
      userId: null,
    });
  });

  it('decodes TokenUpdate data wrapped over lines, and keeps AwaitingConfiguration', () => {
    const message = parseCheckInMessage(fixture('tokenupdate-device.plist'));
    if (message.MessageType !== 'TokenUpdate') throw new Error(message.MessageType);
    expect(message.Token.toString('base64')).toBe('q83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4k=');
    expect(message.UnlockToken?.toString()).toBe('TEST-UNLOCK-TOKEN-OF-THE-FIXTURE');
    expect(message.AwaitingConfiguration).toBe(false);
    const dep = parseCheckInMessage(fixture('tokenupdate-awaiting-configuration.plist'));
    expect(dep).toMatchObject({ AwaitingConfiguration: true });
    expect(dep).not.toHaveProperty('UnlockToken');
  });

  it('names the user of a macOS user channel', () => {
    expect(parseCheckInMessage(fixture('tokenupdate-user-channel-macos.plist')).identity).toMatchObject({
      kind: 'device',
      userId: 'B2C3D4E5-F607-4182-93A4-B5C6D7E8F901',
    });
  });

  it.each([
    ['checkout-device.plist', 'CheckOut'],
    ['checkout-user-enrollment.plist', 'CheckOut'],
    ['user-authenticate-macos.plist', 'UserAuthenticate'],
    ['get-bootstrap-token.plist', 'GetBootstrapToken'],
    ['set-bootstrap-token.plist', 'SetBootstrapToken'],
    ['declarative-management.plist', 'DeclarativeManagement'],
  ])('reads %s as %s', (file, type) => {
    expect(parseCheckInMessage(fixture(file)).MessageType).toBe(type);
  });

  it('reads the same Idle bytes again as the same report, each caller with its own copy', () => {
    const first = parseCommandReport(fixture('status-idle-device.plist'));
    first.identity.userId = 'changed by its caller';
    first.body['Status'] = 'changed';
    const again = parseCommandReport(fixture('status-idle-device.plist'));
    expect(again).toEqual({
      ...first,
      identity: { ...first.identity, userId: null },
      body: { ...first.body, Status: 'Idle' },
    });
    expect(again.status).toBe('Idle');
  });

  it('reads command reports: Idle, and answers naming their command', () => {
    expect(parseCommandReport(fixture('status-idle-device.plist'))).toMatchObject({
      status: 'Idle',
      commandUuid: null,
    });
    expect(parseCommandReport(fixture('status-idle-user-enrollment.plist')).identity.kind).toBe(
      'userEnrollment',
    );
    const error = parseCommandReport(fixture('status-error.plist'));
    expect(error).toMatchObject({ status: 'Error', commandUuid: '4C1D9E2A-6B3F-4A70-9E85-1D2C3B4A5F60' });
    expect(error.errorChain[0]).toMatchObject({ ErrorCode: 4001, ErrorDomain: 'MCProfileErrorDomain' });
    const info = parseCommandReport(fixture('status-acknowledged-device-information.plist'));
    expect(info.body['QueryResponses']).toMatchObject({ SerialNumber: 'F2LXK0Q7HG7F' });
    for (const file of [
      'status-acknowledged.plist',
      'status-notnow.plist',
      'status-command-format-error.plist',
    ])
      expect(parseCommandReport(fixture(file)).commandUuid).toBe('4C1D9E2A-6B3F-4A70-9E85-1D2C3B4A5F60');
  });

  it('refuses what is not an Apple MDM message with a typed error', () => {
    const plist = (inner: string) =>
      Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><plist version="1.0">${inner}</plist>`);
    const refusals: [Buffer, RegExp][] = [
      [Buffer.alloc(0), /empty/],
      [Buffer.from('{"MessageType":"Authenticate"}'), /not an XML property list|not a dictionary/],
      [plist('<array/>'), /not a dictionary/],
      [
        plist('<dict><key>MessageType</key><string>Reboot</string><key>UDID</key><string>x</string></dict>'),
        /MessageType/,
      ],
      [
        plist(
          '<dict><key>MessageType</key><string>Authenticate</string><key>Topic</key><string>t</string></dict>',
        ),
        /neither a UDID nor an EnrollmentID/,
      ],
      [
        plist(
          '<dict><key>MessageType</key><string>CheckOut</string><key>Topic</key><string>t</string><key>UDID</key><string>a</string><key>EnrollmentID</key><string>b</string></dict>',
        ),
        /never both/,
      ],
      [
        plist(
          '<dict><key>MessageType</key><string>TokenUpdate</string><key>Topic</key><string>t</string><key>UDID</key><string>a</string></dict>',
        ),
        /Token/,
      ],
    ];
    for (const [body, message] of refusals) {
      expect(() => parseCheckInMessage(body)).toThrow(MdmMessageError);
      expect(() => parseCheckInMessage(body)).toThrow(message);
    }
    expect(() =>
      parseCommandReport(
        plist('<dict><key>Status</key><string>Acknowledged</string><key>UDID</key><string>a</string></dict>'),
      ),
    ).toThrow(/CommandUUID/);
  });
});

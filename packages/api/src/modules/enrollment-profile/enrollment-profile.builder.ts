/**
 * Apple MDM enrollment profiles (Apple's Configuration Profile Reference): a `Configuration`
 * holding the gateway's CA as a trust anchor (`com.apple.security.root`), a SCEP payload
 * (`com.apple.security.scep`) that obtains the device identity with a one-time challenge, and the
 * MDM payload (`com.apple.mdm`) that names that identity, the push topic and the check-in and
 * command URLs. Built as an object and written by the `plist` library; signed as CMS SignedData
 * (pkijs) by the gateway's profile-signing certificate.
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { build, type PlistValue } from 'plist';
import type { ServiceCertificate } from '../certificate/service-certificate.js';

/**
 * MDM AccessRights (Apple, MDM payload): every right, 8191 = 1 inspect profiles | 2 install/remove
 * profiles | 4 device lock and passcode removal | 8 device erase | 16 query device information |
 * 32 query network information | 64 inspect provisioning profiles | 128 install provisioning
 * profiles | 256 inspect installed apps | 512 restriction queries | 1024 security queries |
 * 2048 change settings | 4096 manage apps. Retire and wipe need 2 and 8.
 */
export const MDM_ACCESS_RIGHTS = 8191;

/** Everything a profile says; the caller decides it from the invitation and the configuration. */
export interface EnrollmentProfileSpec {
  /** The invitation id: payload UUIDs and the SCEP subject. */
  invitationId: string;
  /**
   * What the payload identifiers derive from (default `invitationId`): an identity renewal names
   * the invitation of the installed profile, so that the re-sent profile replaces it.
   */
  identifierId?: string;
  organization: string;
  /** Shown in Settings, e.g. "Contoso device management". */
  displayName: string;
  description: string;
  scepUrl: string;
  challenge: string;
  checkInUrl: string;
  serverUrl: string;
  topic: string;
  /** The gateway CA (DER): trust anchor of the MDM and SCEP endpoints' certificates when private. */
  caCertificateDer: Uint8Array;
  /** Locked enrollment (DEP `isMandatory` / `profileRemovalDisabled`): the profile cannot be removed (supervised devices). */
  removalDisallowed: boolean;
}

/** A stable UUID (RFC 4122 layout, name-based on SHA-256) per invitation and payload. */
function payloadUuid(invitationId: string, payload: string): string {
  const hex = createHash('sha256').update(`${invitationId}:${payload}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`.toUpperCase();
}

/**
 * The top-level PayloadIdentifier of the enrollment profile built for an invitation (or, for an
 * identity renewal, the invitation whose profile it replaces): what a `RemoveProfile` names to
 * unenroll the device, and what a re-sent profile keeps so that it replaces the installed one
 * (Apple: a profile with the same PayloadIdentifier replaces the installed one).
 */
export function enrollmentProfileIdentifier(identifierId: string): string {
  return `mdm.gateway.enrollment.${identifierId}`;
}

/** The profile as a property-list object (what `plist.build` writes and `plist.parse` returns). */
export function enrollmentProfile(spec: EnrollmentProfileSpec): { [key: string]: PlistValue } {
  const base = enrollmentProfileIdentifier(spec.identifierId ?? spec.invitationId);
  const scepUuid = payloadUuid(spec.invitationId, 'scep');
  const root = {
    PayloadType: 'com.apple.security.root',
    PayloadVersion: 1,
    PayloadIdentifier: `${base}.ca`,
    PayloadUUID: payloadUuid(spec.invitationId, 'ca'),
    PayloadDisplayName: `${spec.organization} CA`,
    PayloadContent: spec.caCertificateDer,
  };
  const scep = {
    PayloadType: 'com.apple.security.scep',
    PayloadVersion: 1,
    PayloadIdentifier: `${base}.scep`,
    PayloadUUID: scepUuid,
    PayloadDisplayName: 'MDM identity (SCEP)',
    PayloadContent: {
      URL: spec.scepUrl,
      Name: spec.organization,
      Subject: [[['O', spec.organization]], [['CN', `MDM device ${spec.invitationId}`]]],
      Challenge: spec.challenge,
      Keysize: 2048,
      'Key Type': 'RSA',
      // 1 signing | 4 encryption: the identity signs check-ins (SignMessage) and decrypts.
      'Key Usage': 5,
      Retries: 3,
      RetryDelay: 10,
    },
  };
  const mdm = {
    PayloadType: 'com.apple.mdm',
    PayloadVersion: 1,
    PayloadIdentifier: `${base}.mdm`,
    PayloadUUID: payloadUuid(spec.invitationId, 'mdm'),
    PayloadDisplayName: 'Device management',
    IdentityCertificateUUID: scepUuid,
    Topic: spec.topic,
    ServerURL: spec.serverUrl,
    CheckInURL: spec.checkInUrl,
    ServerCapabilities: ['com.apple.mdm.per-user-connections', 'com.apple.mdm.bootstrap-token'],
    SignMessage: true,
    CheckOutWhenRemoved: true,
    AccessRights: MDM_ACCESS_RIGHTS,
  };
  return {
    PayloadType: 'Configuration',
    PayloadVersion: 1,
    PayloadIdentifier: base,
    PayloadUUID: payloadUuid(spec.invitationId, 'profile'),
    PayloadDisplayName: spec.displayName,
    PayloadDescription: spec.description,
    PayloadOrganization: spec.organization,
    PayloadScope: 'System',
    PayloadRemovalDisallowed: spec.removalDisallowed,
    PayloadContent: [root, scep, mdm],
  };
}

/** The profile as XML property list text (the unsigned `.mobileconfig`). */
export function enrollmentProfileXml(spec: EnrollmentProfileSpec): string {
  return build(enrollmentProfile(spec));
}

const OID_DATA = '1.2.840.113549.1.7.1';
const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';

/**
 * Signs a profile (XML) as CMS SignedData with the content attached, as Apple's devices and
 * Configurator expect a signed `.mobileconfig` (`application/x-apple-aspen-config`): SHA-256,
 * RSASSA-PKCS1-v1_5, the signer and CA certificates included so the chain can be shown.
 */
export async function signProfile(
  xml: string,
  signer: ServiceCertificate,
  caCertificateDer: Uint8Array,
): Promise<Buffer> {
  const content = Buffer.from(xml, 'utf8');
  const signed = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: OID_DATA,
      eContent: new asn1js.OctetString({ valueHex: Uint8Array.from(content).buffer }),
    }),
    certificates: [signer.cms, pkijs.Certificate.fromBER(Uint8Array.from(caCertificateDer).buffer)],
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({
          issuer: signer.cms.issuer,
          serialNumber: signer.cms.serialNumber,
        }),
      }),
    ],
  });
  await signed.sign(signer.signingKey, 0, 'SHA-256');
  const info = new pkijs.ContentInfo({ contentType: OID_SIGNED_DATA, content: signed.toSchema(true) });
  return Buffer.from(info.toSchema().toBER(false));
}

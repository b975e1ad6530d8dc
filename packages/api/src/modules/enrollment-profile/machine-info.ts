/**
 * The MachineInfo a device sends to the enrollment URL during Setup Assistant (DEP/ADE, and
 * Configurator-prepared devices): a CMS SignedData (`application/pkcs7-signature`) whose content
 * is an XML property list with UDID, SERIAL, PRODUCT, VERSION, IMEI, MEID, LANGUAGE (Apple,
 * "Device Enrollment Program: MachineInfo"). Read with pkijs and `plist`.
 */
import * as pkijs from 'pkijs';
import { parsePropertyList } from '../../shared/property-list.js';

/** The fields of a MachineInfo the gateway uses. */
export interface MachineInfo {
  udid: string;
  serialNumber: string;
  product: string | null;
  version: string | null;
  imei: string | null;
  meid: string | null;
  language: string | null;
}

/** A MachineInfo that cannot be used: not CMS, bad signature, not a plist, no UDID or SERIAL. */
export class MachineInfoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MachineInfoError';
  }
}

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() ? value.trim() : null;

/**
 * Reads a CMS-signed MachineInfo. The signature is checked against the certificate the device
 * included (integrity of the message; the certificate is Apple's device identity, whose chain to
 * Apple the gateway cannot check without Apple's roots, so the serial is trusted only as far as
 * the organisation's own ABM / Configurator lists name it).
 * @throws MachineInfoError
 */
export async function readMachineInfo(body: Uint8Array): Promise<MachineInfo> {
  let signed: pkijs.SignedData;
  try {
    const info = pkijs.ContentInfo.fromBER(Uint8Array.from(body).buffer);
    signed = new pkijs.SignedData({ schema: info.content });
  } catch (error) {
    throw new MachineInfoError(`MachineInfo is not a CMS SignedData: ${(error as Error).message}`);
  }
  const content = signed.encapContentInfo.eContent;
  if (!content) throw new MachineInfoError('MachineInfo has no content');
  if (signed.signerInfos.length === 0) throw new MachineInfoError('MachineInfo is not signed');
  const verified = await signed.verify({ signer: 0, checkChain: false }).catch(() => false);
  if (!verified) throw new MachineInfoError('MachineInfo signature does not verify');
  let fields: Record<string, unknown>;
  try {
    const parsed = parsePropertyList(Buffer.from(content.getValue()));
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || parsed instanceof Uint8Array)
      throw new Error('not a dictionary');
    fields = parsed as Record<string, unknown>;
  } catch (error) {
    throw new MachineInfoError(`MachineInfo content is not a property list: ${(error as Error).message}`);
  }
  const udid = text(fields['UDID']);
  const serialNumber = text(fields['SERIAL']);
  if (!udid || !serialNumber) throw new MachineInfoError('MachineInfo lacks UDID or SERIAL');
  return {
    udid,
    serialNumber,
    product: text(fields['PRODUCT']),
    version: text(fields['VERSION']),
    imei: text(fields['IMEI']),
    meid: text(fields['MEID']),
    language: text(fields['LANGUAGE']),
  };
}

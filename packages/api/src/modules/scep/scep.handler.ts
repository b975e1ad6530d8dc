import type { ProtocolRequest, ProtocolResponse, ProtocolRoute } from '../../server/protocol-route.js';
import { APPLE_PATHS } from '../enrollment-profile/apple-endpoints.js';
import type { ScepService } from './scep.service.js';

/** A pkiMessage is a few kilobytes (a CSR, a certificate, an envelope); 64 KiB is generous. */
const BODY_LIMIT_BYTES = 64 * 1024;

/**
 * The SCEP endpoint (RFC 8894 section 4): `GET|POST /scep?operation=…`. GetCACaps answers
 * text/plain, GetCACert `application/x-x509-ca-ra-cert` (RFC 8894 section 4.2.1.2: CA and RA),
 * PKIOperation `application/x-pki-message`, its request in the POST body or, over GET, base64 in
 * `message` (standard or URL-safe alphabet: clients differ). Everything else is the service's.
 */
export function scepRoutes(scep: ScepService): ProtocolRoute[] {
  const handle = (request: ProtocolRequest): Promise<ProtocolResponse> => answer(scep, request);
  return [
    { method: 'GET', path: APPLE_PATHS.scep, handle },
    { method: 'POST', path: APPLE_PATHS.scep, bodyLimitBytes: BODY_LIMIT_BYTES, handle },
  ];
}

const text = (status: number, body: string): ProtocolResponse => ({
  status,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body,
});

async function answer(scep: ScepService, request: ProtocolRequest): Promise<ProtocolResponse> {
  const operation = request.query.get('operation');
  switch (operation) {
    case 'GetCACaps':
      return text(200, scep.capabilities());
    case 'GetCACert':
      return {
        status: 200,
        headers: { 'content-type': 'application/x-x509-ca-ra-cert' },
        body: scep.caCertificates(),
      };
    case 'PKIOperation': {
      const message =
        request.method === 'POST'
          ? request.body
          : // A client that did not percent-encode its base64 sent '+' as is, which a query
            // string reads as a space; base64 has no spaces, so they can only be '+'.
            Buffer.from((request.query.get('message') ?? '').replaceAll(' ', '+'), 'base64');
      if (message.length === 0) return text(400, 'PKIOperation needs a pkiMessage');
      const result = await scep.pkiOperation(message, {
        clientAddress: request.clientAddress,
        requestId: request.requestId,
      });
      if ('unreadable' in result) return text(400, `unreadable pkiMessage: ${result.unreadable}`);
      return { status: 200, headers: { 'content-type': 'application/x-pki-message' }, body: result.certRep };
    }
    default:
      return text(400, 'operation must be GetCACaps, GetCACert or PKIOperation');
  }
}

import { build, type PlistValue } from 'plist';
import type { Logger } from 'pino';
import type { ProtocolRequest, ProtocolResponse } from '../../server/protocol-route.js';
import { AuditOutcome } from '../audit/audit-record.entity.js';
import type { AuditService } from '../audit/audit.service.js';
import { MdmAuthenticationError, MdmProtocolError } from './apple-mdm.errors.js';

/** A plist answer (`application/xml`, as Apple's devices expect for check-in and command bodies). */
export function plistResponse(value: Record<string, unknown>): ProtocolResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/xml; charset=utf-8' },
    body: build(value as Record<string, PlistValue>),
  };
}

/**
 * Maps a failure of an MDM endpoint to the device's answer, in one place: protocol errors carry
 * their status (400 malformed, 401 not authenticated — audited as denied —, 403 refused
 * enrollment, 404/410 declined); anything else is a 500 logged under the request id.
 */
export function failureResponse(
  error: unknown,
  request: ProtocolRequest,
  action: string,
  deps: { audit: AuditService; logger: Logger },
): ProtocolResponse {
  if (error instanceof MdmProtocolError) {
    if (error instanceof MdmAuthenticationError) {
      void deps.audit.record({
        action,
        outcome: AuditOutcome.denied,
        code: error.reason,
        principal: null,
        clientAddress: request.clientAddress,
        requestId: request.requestId,
        args: { reason: error.message },
      });
    }
    return {
      status: error.status,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: `${error.message}\n`,
    };
  }
  deps.logger.error({ err: error, requestId: request.requestId, action }, 'unexpected error');
  return { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'internal error\n' };
}

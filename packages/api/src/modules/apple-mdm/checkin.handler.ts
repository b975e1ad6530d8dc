import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { ProtocolRoute } from '../../server/protocol-route.js';
import type { Clock } from '../../shared/clock.js';
import type { AuditService } from '../audit/audit.service.js';
import type { AppleCheckInService } from './checkin.service.js';
import { failureResponse, plistResponse } from './mdm-response.js';
import { parseCheckInMessage } from './mdm-message.js';
import { authenticateMdmRequest, type MdmAuthenticationOptions } from './mdm-signature.js';

/** Where Apple's endpoints are mounted; the enrollment profile's CheckInURL and ServerURL point here. */
export const APPLE_MDM_PATHS = { checkIn: '/mdm/checkin', server: '/mdm/connect' } as const;

/** What both MDM handlers need. */
export interface MdmHandlerDependencies {
  em: () => EntityManager;
  clock: Clock;
  authentication: () => MdmAuthenticationOptions;
  audit: AuditService;
  logger: Logger;
}

/** Apple's check-in body is small; 256 KiB leaves room for a large bootstrap token. */
const CHECK_IN_BODY_LIMIT = 256 * 1024;

/**
 * `PUT /mdm/checkin` (Apple: the profile's CheckInURL, `application/x-apple-aspen-mdm-checkin`):
 * authenticates the identity certificate, parses the plist, and hands the message to the service.
 */
export function checkInRoute(service: AppleCheckInService, deps: MdmHandlerDependencies): ProtocolRoute {
  return {
    method: 'PUT',
    path: APPLE_MDM_PATHS.checkIn,
    bodyLimitBytes: CHECK_IN_BODY_LIMIT,
    async handle(request) {
      try {
        const certificate = await authenticateMdmRequest(
          request.headers,
          request.body,
          deps.authentication(),
          deps.clock.now(),
        );
        const message = parseCheckInMessage(request.body);
        const answer = await service.handle(deps.em().fork(), message, certificate, request);
        return answer.plist ? plistResponse(answer.plist) : { status: answer.status };
      } catch (error) {
        return failureResponse(error, request, 'mdm.checkIn', deps);
      }
    },
  };
}

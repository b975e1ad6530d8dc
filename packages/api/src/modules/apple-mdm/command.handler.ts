import type { ProtocolRequest, ProtocolRoute } from '../../server/protocol-route.js';
import { AuditOutcome } from '../audit/audit-record.entity.js';
import { APPLE_MDM_PATHS, type MdmHandlerDependencies } from './checkin.handler.js';
import type { AppleCommandService } from './command-report.service.js';
import { commandPlist } from './mdm-commands.js';
import { failureResponse } from './mdm-response.js';
import { parseCommandReport } from './mdm-message.js';
import { authenticateMdmRequest } from './mdm-signature.js';

/**
 * A replayed command answer is answered 200 without a command and audited as refused: a real
 * device that resent an answer whose reply it lost is no impostor, and simply gets its next
 * command at its next Idle.
 */
function auditReplay(
  deps: MdmHandlerDependencies,
  request: ProtocolRequest,
  commandUuid: string | null,
  status: string,
): void {
  void deps.audit.record({
    action: 'mdm.command',
    outcome: AuditOutcome.refused,
    code: 'MESSAGE_REPLAYED',
    principal: null,
    clientAddress: request.clientAddress,
    requestId: request.requestId,
    targetType: 'MdmCommand',
    targetId: commandUuid,
    args: { status, reason: 'the command was already answered' },
  });
}

/** Command answers can carry large query responses (installed applications, certificates). */
const SERVER_BODY_LIMIT = 4 * 1024 * 1024;

/**
 * `PUT /mdm/connect` (Apple: the profile's ServerURL, `application/x-apple-aspen-mdm`): a status
 * report (Idle or an answer); the reply is the next command as a plist, or an empty 200 when the
 * queue is empty (Apple: the device then goes back to sleep).
 */
export function commandRoute(service: AppleCommandService, deps: MdmHandlerDependencies): ProtocolRoute {
  return {
    method: 'PUT',
    path: APPLE_MDM_PATHS.server,
    bodyLimitBytes: SERVER_BODY_LIMIT,
    async handle(request) {
      try {
        const certificate = await authenticateMdmRequest(
          request.headers,
          request.body,
          deps.authentication(),
          deps.clock.now(),
        );
        const report = parseCommandReport(request.body);
        const { next, replayed } = await service.report(deps.em().fork(), report, certificate);
        if (replayed) auditReplay(deps, request, report.commandUuid, report.status);
        if (!next) return { status: 200 };
        return {
          status: 200,
          headers: { 'content-type': 'application/xml; charset=utf-8' },
          body: commandPlist(next.commandUuid, {
            requestType: next.requestType,
            parameters: next.parameters,
          }),
        };
      } catch (error) {
        return failureResponse(error, request, 'mdm.command', deps);
      }
    },
  };
}

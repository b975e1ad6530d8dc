import type { ProtocolRequest, ProtocolResponse, ProtocolRoute } from '../../server/protocol-route.js';
import { EnrollmentMethodKind } from '../catalog/enrollment-method-kind.enum.js';
import { APPLE_PATHS } from './apple-endpoints.js';
import type { EnrollmentProfileService, ProfileResult } from './enrollment-profile.service.js';

/** A MachineInfo is a small signed plist (a few kilobytes with the device's certificates). */
const MACHINE_INFO_LIMIT_BYTES = 64 * 1024;

/** A signed Apple configuration profile (Apple: the MIME type Safari and Setup Assistant install). */
const PROFILE_CONTENT_TYPE = 'application/x-apple-aspen-config';

function toResponse(result: ProfileResult): ProtocolResponse {
  if ('refused' in result)
    return {
      status: result.status,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: `${result.code}: ${result.refused}\n`,
    };
  return {
    status: 200,
    headers: {
      'content-type': PROFILE_CONTENT_TYPE,
      'content-disposition': 'attachment; filename="enrollment.mobileconfig"',
      'cache-control': 'no-store',
    },
    body: result.profile,
  };
}

const callerOf = (request: ProtocolRequest) => ({
  clientAddress: request.clientAddress,
  requestId: request.requestId,
});

/**
 * The enrollment profile endpoints: the profile URL of an invitation (`GET …/profile?token=`),
 * the DEP enrollment URL Apple Business Manager gives devices (`POST …/dep`, body: the CMS-signed
 * MachineInfo, `application/pkcs7-signature`), and the USB-SA URL of a Configurator export
 * (`POST …/configurator?token=`, same body).
 */
export function enrollmentProfileRoutes(profiles: EnrollmentProfileService): ProtocolRoute[] {
  return [
    {
      method: 'GET',
      path: APPLE_PATHS.profile,
      async handle(request) {
        const token = request.query.get('token');
        if (!token)
          return toResponse({ refused: 'the link has no token', code: 'INVITATION_UNKNOWN', status: 404 });
        return toResponse(await profiles.forProfileToken(token, callerOf(request)));
      },
    },
    {
      method: 'POST',
      path: APPLE_PATHS.dep,
      bodyLimitBytes: MACHINE_INFO_LIMIT_BYTES,
      async handle(request) {
        return toResponse(
          await profiles.forMachineInfo(EnrollmentMethodKind.DEP, request.body, null, callerOf(request)),
        );
      },
    },
    {
      method: 'POST',
      path: APPLE_PATHS.configurator,
      bodyLimitBytes: MACHINE_INFO_LIMIT_BYTES,
      async handle(request) {
        return toResponse(
          await profiles.forMachineInfo(
            EnrollmentMethodKind.USB_SA,
            request.body,
            request.query.get('token'),
            callerOf(request),
          ),
        );
      },
    },
  ];
}

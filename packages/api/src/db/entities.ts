import { AppleMdmEnrollment } from '../modules/apple-mdm/apple-mdm-enrollment.entity.js';
import { MdmCommand } from '../modules/apple-mdm/mdm-command.entity.js';
import { AuditRecord } from '../modules/audit/audit-record.entity.js';
import { ApiToken } from '../modules/auth/api-token.entity.js';
import { CertificateAuthorityRecord } from '../modules/certificate/certificate-authority.entity.js';
import { MdmCertificate } from '../modules/certificate/mdm-certificate.entity.js';
import { DeviceCheckIn } from '../modules/check-in/device-check-in.entity.js';
import { AppleDevice } from '../modules/apple-enrollment/apple-device.entity.js';
import { DepOnboardingSetting } from '../modules/apple-enrollment/dep-onboarding-setting.entity.js';
import { AppleEnrollmentProfile } from '../modules/apple-enrollment/enrollment-profile.entity.js';
import { AppleProfileExport } from '../modules/apple-enrollment/profile-export.entity.js';
import { BulkEnrollmentToken } from '../modules/bulk-enrollment/bulk-token.entity.js';
import { CorporateIdentifier } from '../modules/corporate-identifier/corporate-identifier.entity.js';
import { DeviceAction } from '../modules/device-action/device-action.entity.js';
import { ManagedDevice } from '../modules/device/device.entity.js';
import { EasDevice, ExchangeConnector } from '../modules/exchange/exchange.entity.js';
import { AutopilotDevice } from '../modules/imports/autopilot-device.entity.js';
import { GraphImportedDevice } from '../modules/imports/graph-imported-device.entity.js';
import { ImportRecord } from '../modules/imports/import-record.entity.js';
import { EnrollmentRestriction } from '../modules/restriction/restriction.entity.js';
import { User } from '../modules/user/user.entity.js';

/** Every ORM entity; the ORM and the schema-drift test use this one list. */
export const entities = [
  User,
  ManagedDevice,
  ApiToken,
  AuditRecord,
  MdmCertificate,
  DeviceCheckIn,
  CertificateAuthorityRecord,
  AppleEnrollmentProfile,
  AppleDevice,
  AppleProfileExport,
  BulkEnrollmentToken,
  DeviceAction,
  EnrollmentRestriction,
  CorporateIdentifier,
  ImportRecord,
  AutopilotDevice,
  ExchangeConnector,
  EasDevice,
  GraphImportedDevice,
  DepOnboardingSetting,
  AppleMdmEnrollment,
  MdmCommand,
];

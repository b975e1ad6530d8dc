import { AuditRecord } from '../modules/audit/audit-record.entity.js';
import { ApiToken } from '../modules/auth/api-token.entity.js';
import { CertificateAuthorityRecord } from '../modules/certificate/certificate-authority.entity.js';
import { MdmCertificate } from '../modules/certificate/mdm-certificate.entity.js';
import { DeviceCheckIn } from '../modules/check-in/device-check-in.entity.js';
import { ManagedDevice } from '../modules/device/device.entity.js';
import { User } from '../modules/user/user.entity.js';

/** Every ORM entity; the ORM and the schema-drift test use this one list. */
export const entities = [User, ManagedDevice, ApiToken, AuditRecord, MdmCertificate, DeviceCheckIn, CertificateAuthorityRecord];

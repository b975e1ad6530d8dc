import type { Logger } from 'pino';
import { x509 } from '../certificate/x509-runtime.js';

/** userID (RFC 4519 `UID`): where Apple's MDM push certificates carry their topic. */
const UID_OID = '0.9.2342.19200300.100.1.1';

/**
 * The topic devices are told to expect pushes on (`com.apple.mdm` Topic): there is no way to
 * enroll a real device without one, and none can be made up, so without a push certificate it is
 * this placeholder, named so that nobody mistakes it for a working topic.
 */
export const PLACEHOLDER_PUSH_TOPIC = 'com.apple.mgmt.External.placeholder-no-push-certificate-configured';

/** The push topic of the MDM service and whether it comes from a real push certificate. */
export interface PushTopic {
  topic: string;
  configured: boolean;
}

/**
 * Reads the topic from the APNs push certificate's subject UID (Apple: "the topic is the UID of
 * the push certificate", `com.apple.mgmt.External.<uuid>`), or falls back to the placeholder and
 * logs that pushes are off.
 * @throws Error when a certificate is configured but unreadable or has no UID
 */
export function pushTopicOf(certificatePem: string | undefined, logger: Logger): PushTopic {
  if (!certificatePem) {
    logger.warn(
      { topic: PLACEHOLDER_PUSH_TOPIC },
      'no APNs push certificate (APNS_CERT_PEM/APNS_CERT_FILE): enrollment profiles carry a placeholder topic and pushes are off',
    );
    return { topic: PLACEHOLDER_PUSH_TOPIC, configured: false };
  }
  const certificate = new x509.X509Certificate(certificatePem);
  const topic = certificate.subjectName.getField(UID_OID)[0];
  if (!topic)
    throw new Error('APNS_CERT_PEM: the push certificate has no UID (the push topic) in its subject');
  return { topic, configured: true };
}

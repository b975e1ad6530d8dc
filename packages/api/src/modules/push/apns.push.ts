import apn from '@parse/node-apn';
import type { Logger } from 'pino';
import type { PushConfig } from '../../config/config.js';

/** Why a push ended as it did (the `outcome` label of `mdm_apns_pushes_total`). */
export type PushOutcome = 'sent' | 'retried' | 'failed' | 'unregistered' | 'skipped';

/** Where outcomes are counted (the gateway's metrics). */
export interface PushRecorder {
  recordPush(outcome: PushOutcome): void;
}

/** An MDM push: the device's token (hex), the topic and its PushMagic (Apple: "Sending MDM push notifications"). */
export interface MdmPush {
  token: string;
  topic: string;
  pushMagic: string;
}

/** Statuses APNs answers for a transient failure (worth another attempt). */
const RETRYABLE = new Set([429, 500, 502, 503, 504]);

/**
 * Sends MDM pushes through APNs over HTTP/2 (`@parse/node-apn`, with the MDM push certificate:
 * MDM pushes use certificate authentication and push type `mdm`, payload `{"mdm": PushMagic}`).
 * A transient failure (no connection, 429, 5xx) is retried up to `maxAttempts` times with
 * exponential backoff from `retryBaseMs` (doubling, with jitter); 410 or BadDeviceToken means the
 * token is gone and is reported `unregistered`. Never throws: a push is a hint, the device also
 * checks in on its own.
 */
export class ApnsPusher {
  private readonly provider: apn.Provider;

  constructor(
    private readonly config: Required<Pick<PushConfig, 'certificatePem' | 'keyPem'>> & PushConfig,
    private readonly recorder: PushRecorder,
    private readonly logger: Logger,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    const [address, port] = config.host.split(':');
    this.provider = new apn.Provider({
      cert: config.certificatePem,
      key: config.keyPem,
      address,
      port: port ? Number(port) : 443,
      production: true,
      ...(config.caPem ? { ca: [config.caPem] } : {}),
      // Our own backoff below decides about retries.
      connectionRetryLimit: 1,
    });
  }

  /** Pushes once, with retries; resolves with the final outcome. */
  async push(push: MdmPush): Promise<PushOutcome> {
    const note = new apn.Notification();
    note.topic = push.topic;
    note.pushType = 'mdm';
    note.priority = 10;
    note.rawPayload = { mdm: push.pushMagic };
    for (let attempt = 1; ; attempt++) {
      let status: number | undefined;
      let reason: string | undefined;
      try {
        const result = await this.provider.send(note, push.token);
        if (result.sent.length > 0) {
          this.recorder.recordPush('sent');
          return 'sent';
        }
        const failure = result.failed[0];
        status = failure?.status === undefined ? undefined : Number(failure.status);
        reason = failure?.response?.reason ?? failure?.error?.message;
      } catch (error) {
        reason = (error as Error).message;
      }
      if (status === 410 || reason === 'BadDeviceToken' || reason === 'Unregistered') {
        this.recorder.recordPush('unregistered');
        this.logger.warn({ status, reason }, 'APNs: the device token is no longer valid');
        return 'unregistered';
      }
      const transient = status === undefined || RETRYABLE.has(status);
      if (!transient || attempt >= this.config.maxAttempts) {
        this.recorder.recordPush('failed');
        this.logger.warn({ status, reason, attempts: attempt }, 'APNs push failed');
        return 'failed';
      }
      this.recorder.recordPush('retried');
      const delay = this.config.retryBaseMs * 2 ** (attempt - 1);
      await this.sleep(delay / 2 + Math.random() * (delay / 2));
    }
  }

  /** Closes the HTTP/2 session. */
  close(): void {
    this.provider.shutdown();
  }
}

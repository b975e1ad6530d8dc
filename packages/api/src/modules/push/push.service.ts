import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { AppleMdmEnrollmentStore } from '../apple-mdm/apple-mdm-enrollment.store.js';
import type { DeviceWaker } from '../apple-mdm/command-queue.service.js';
import type { ApnsPusher, PushOutcome, PushRecorder } from './apns.push.js';

/**
 * Wakes Apple devices so they fetch their queued commands: reads the device's push token and
 * PushMagic, and pushes through APNs. Without a push certificate (or before the device's first
 * TokenUpdate) nothing is sent and commands wait for the device's next check-in.
 */
export class PushService implements DeviceWaker {
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly pusher: ApnsPusher | null,
    private readonly enrollments: AppleMdmEnrollmentStore,
    private readonly em: () => EntityManager,
    private readonly recorder: PushRecorder,
    private readonly logger: Logger,
  ) {}

  /** Whether a push certificate is configured. */
  get enabled(): boolean {
    return this.pusher !== null;
  }

  /** Fire and forget (see {@link syncDevice} for the awaited form). */
  wake(deviceId: string): void {
    const work = this.syncDevice(deviceId).catch((error: unknown) =>
      this.logger.error({ err: error, deviceId }, 'push failed unexpectedly'),
    );
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** Pushes to the device now; resolves with the outcome (`skipped` without certificate or token). */
  async syncDevice(deviceId: string): Promise<PushOutcome> {
    const enrollment = await this.enrollments.byDevice(this.em().fork(), deviceId);
    if (!this.pusher || !enrollment?.pushToken || !enrollment.pushMagic || enrollment.checkedOutDateTime) {
      this.recorder.recordPush('skipped');
      return 'skipped';
    }
    return this.pusher.push({
      token: enrollment.pushToken,
      topic: enrollment.topic,
      pushMagic: enrollment.pushMagic,
    });
  }

  /** Waits for pushes under way, then closes the APNs session. */
  async stop(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    this.pusher?.close();
  }
}

import { Arg, Resolver, Root, Subscription } from 'type-graphql';
import { Roles } from '../auth/roles.decorator.js';
import { SharedResults } from '../../shared/graphql/shared-results.js';
import type { PerEventWork } from '../../events/per-event.js';
import { Topic, type CertificateEventPayload } from '../../events/topics.js';
import { READ_ROLES } from '../auth/role.enum.js';
import type { EventDevices } from '../device/device-event.loader.js';
import { DeviceEventFilter, matchesDeviceFilter } from '../device/device-event.resolver.js';
import { CertificateEvent } from './certificate-event.type.js';
import { CertificateStore } from './certificate.store.js';

const certificateStore = new CertificateStore();

type FilterArgs = { payload: CertificateEventPayload; args: { filter?: DeviceEventFilter | null } };
const byFilter = ({ payload, args }: FilterArgs) => matchesDeviceFilter(payload, args.filter);

@Resolver()
export class CertificateEventResolver {
  /**
   * @param work per-event loads (the certificate), shared by the event's subscribers
   * @param eventDevices the events' devices (batched reads, shared by subscribers)
   */
  constructor(
    private readonly work: PerEventWork,
    private readonly eventDevices: EventDevices,
  ) {}

  @SharedResults()
  @Roles(...READ_ROLES)
  @Subscription(() => CertificateEvent, {
    topics: Topic.CertificateRenewed,
    filter: byFilter,
    description:
      'Each certificate renewed by a check-in inside the renewal window (Intune: renewed while the device communicates).',
  })
  certificateRenewed(
    @Root() payload: CertificateEventPayload,
    @Arg('filter', () => DeviceEventFilter, { nullable: true }) _filter?: DeviceEventFilter,
  ): Promise<CertificateEvent> {
    return this.toEvent(payload);
  }

  @SharedResults()
  @Roles(...READ_ROLES)
  @Subscription(() => CertificateEvent, {
    topics: Topic.CertificateExpiring,
    filter: byFilter,
    description:
      'Each certificate crossing an expiring threshold (CERT_EXPIRING_THRESHOLDS_DAYS, default 30/7/1 days left), once per threshold.',
  })
  certificateExpiring(
    @Root() payload: CertificateEventPayload,
    @Arg('filter', () => DeviceEventFilter, { nullable: true }) _filter?: DeviceEventFilter,
  ): Promise<CertificateEvent> {
    return this.toEvent(payload);
  }

  @SharedResults()
  @Roles(...READ_ROLES)
  @Subscription(() => CertificateEvent, {
    topics: Topic.CertificateExpired,
    filter: byFilter,
    description:
      'Each certificate that passed its notAfter without renewal (Intune: a silent or wiped device is not renewed).',
  })
  certificateExpired(
    @Root() payload: CertificateEventPayload,
    @Arg('filter', () => DeviceEventFilter, { nullable: true }) _filter?: DeviceEventFilter,
  ): Promise<CertificateEvent> {
    return this.toEvent(payload);
  }

  private async toEvent(payload: CertificateEventPayload): Promise<CertificateEvent> {
    const [device, certificate] = await Promise.all([
      this.eventDevices.of(payload),
      this.work.once(payload, 'certificate', (em) => certificateStore.byId(em, payload.certificateId)),
    ]);
    return Object.assign(new CertificateEvent(), {
      ...payload,
      occurredAt: new Date(payload.occurredAt),
      notAfter: new Date(payload.notAfter),
      device,
      certificate,
    });
  }
}

import { Arg, Authorized, Resolver, Root, Subscription } from 'type-graphql';
import { Topic, type ImportCompletedPayload } from '../../events/topics.js';
import { READ_ROLES } from '../auth/role.enum.js';
import { ImportCompletedEvent } from './import-event.type.js';

@Resolver()
export class ImportEventResolver {
  @Authorized(...READ_ROLES)
  @Subscription(() => ImportCompletedEvent, {
    topics: Topic.ImportCompleted,
    filter: ({ payload, args }: { payload: ImportCompletedPayload; args: { kind?: string | null } }) => !args.kind || args.kind === payload.kind,
    description: 'Each import job that completed, optionally only of one kind (filtered on the server).',
  })
  importCompleted(
    @Root() payload: ImportCompletedPayload,
    @Arg('kind', () => String, { nullable: true, description: 'Only jobs of this kind.' }) _kind?: string,
  ): ImportCompletedEvent {
    return Object.assign(new ImportCompletedEvent(), { ...payload, occurredAt: new Date(payload.occurredAt) });
  }
}

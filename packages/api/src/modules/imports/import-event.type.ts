import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'An import job finished (published by the imports feature after its transaction committed).' })
export class ImportCompletedEvent {
  @Field(() => ID, { description: 'Import job id.' })
  importId!: string;

  @Field({ description: 'What was imported, e.g. `corporateIdentifiers`, `autopilot`, `abmDevices`.' })
  kind!: string;

  @Field(() => Int, { description: 'Rows read.' })
  total!: number;

  @Field(() => Int, { description: 'Rows accepted.' })
  succeeded!: number;

  @Field(() => Int, { description: 'Rows refused (see the job\'s errors).' })
  failed!: number;

  @Field(() => Date, { description: 'When the job completed (UTC).' })
  occurredAt!: Date;
}

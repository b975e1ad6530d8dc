import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Relay cursor-connection page information.', simpleResolvers: true })
export class PageInfo {
  @Field({ description: 'More items follow `endCursor` in the requested order.' })
  hasNextPage!: boolean;

  @Field({ description: 'Items precede `startCursor` in the requested order.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Opaque cursor of the first item of the page.' })
  startCursor!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Opaque cursor of the last item; pass it as `after` for the next page.',
  })
  endCursor!: string | null;
}

import {
  Arg,
  Ctx,
  Field,
  ID,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
  Subscription,
  createUnionType,
} from 'type-graphql';
import { Roles } from '../auth/roles.decorator.js';
import { SharedResults } from '../../shared/graphql/shared-results.js';
import { Topic, type ImportCompletedPayload } from '../../events/topics.js';
import type { GraphQLContext } from '../../shared/context.js';
import {
  InvalidInputError,
  NotFoundErrorType,
  OperationRefusedError,
  toUserError,
} from '../../shared/graphql/user-error.types.js';
import { OPERATE_ROLES, READ_ROLES } from '../auth/role.enum.js';
import {
  CorporateIdentifier,
  CorporateIdentifierType,
} from '../corporate-identifier/corporate-identifier.entity.js';
import { ImportKind, ImportRecord } from './import-record.entity.js';
import { ImportRejectedError } from './imports.errors.js';
import { ImportFileInput } from './imports.input.js';
import type { ImportOutcome, ImportService } from './imports.service.js';
import { GraphImportedDevice } from './graph-imported-device.entity.js';
import { ImportCompletedEvent, ImportRejectedErrorType, ImportSuccess } from './imports.types.js';

export const ImportResult = createUnionType({
  name: 'ImportResult',
  description: "The import with every row's outcome, or why nothing was imported.",
  types: () =>
    [
      ImportSuccess,
      ImportRejectedErrorType,
      InvalidInputError,
      NotFoundErrorType,
      OperationRefusedError,
    ] as const,
});

@ObjectType()
export class DeleteCorporateIdentifiersSuccess {
  @Field(() => Int, { description: 'Identifiers deleted. Enrolled devices keep their ownership.' })
  deletedCount!: number;
}

export const DeleteCorporateIdentifiersResult = createUnionType({
  name: 'DeleteCorporateIdentifiersResult',
  types: () =>
    [DeleteCorporateIdentifiersSuccess, InvalidInputError, NotFoundErrorType, OperationRefusedError] as const,
});

/** Runs an import and maps its outcome, including the import-specific rejection. */
async function toResult(run: () => Promise<ImportOutcome>): Promise<typeof ImportResult> {
  try {
    return Object.assign(new ImportSuccess(), await run());
  } catch (error) {
    if (error instanceof ImportRejectedError) {
      return Object.assign(new ImportRejectedErrorType(), {
        code: error.code,
        message: error.message,
        fileError: error.fileError,
        rowErrors: error.rowErrors,
      });
    }
    return toUserError(error);
  }
}

/** Who imported, as the import record keeps it: the caller's user principal name (user token), else the token's name. */
const importedBy = (ctx: GraphQLContext): string | null =>
  ctx.principal?.userPrincipalName ?? ctx.principal?.name ?? null;

@Resolver()
export class ImportResolver {
  constructor(private readonly importService: ImportService) {}

  @Roles(...OPERATE_ROLES)
  @Mutation(() => ImportResult, {
    description: 'Imports an Intune corporate identifier CSV (no header; at most 5,000 rows or 5 MB).',
  })
  importCorporateIdentifiers(
    @Arg('identifierType', () => CorporateIdentifierType) identifierType: CorporateIdentifierType,
    @Arg('file', () => ImportFileInput) file: ImportFileInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<typeof ImportResult> {
    return toResult(() =>
      this.importService.importCorporateIdentifiers(ctx.em, identifierType, file, importedBy(ctx)),
    );
  }

  @Roles(...OPERATE_ROLES)
  @Mutation(() => ImportResult, {
    description:
      'Applies an Apple Business Manager fetch or sync page (JSON) to the DEP device list; idempotent.',
  })
  importAbmDevices(
    @Arg('file', () => ImportFileInput) file: ImportFileInput,
    @Arg('depOnboardingSettingId', () => ID, {
      nullable: true,
      description:
        'The DEP token this page was synced with; refused when expired; its sync time and count are updated.',
    })
    depOnboardingSettingId: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<typeof ImportResult> {
    return toResult(() =>
      this.importService.importAbmDevices(ctx.em, file, depOnboardingSettingId ?? null, importedBy(ctx)),
    );
  }

  @Roles(...OPERATE_ROLES)
  @Mutation(() => ImportResult, {
    description:
      'Imports an Apple Configurator serial list (CSV `serial,details`, at most 5,000 rows), optionally assigning a USB-SA profile.',
  })
  importConfiguratorSerials(
    @Arg('file', () => ImportFileInput) file: ImportFileInput,
    @Arg('profileId', () => ID, {
      nullable: true,
      description: 'USB-SA profile to assign to every serial of the file.',
    })
    profileId: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<typeof ImportResult> {
    return toResult(() =>
      this.importService.importConfiguratorSerials(ctx.em, file, profileId ?? null, importedBy(ctx)),
    );
  }

  @Roles(...OPERATE_ROLES)
  @Mutation(() => ImportResult, {
    description:
      'Imports a Windows Autopilot CSV (exact header; at most 500 rows). Registered devices enroll as corporate.',
  })
  importAutopilotDevices(
    @Arg('file', () => ImportFileInput) file: ImportFileInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<typeof ImportResult> {
    return toResult(() => this.importService.importAutopilotDevices(ctx.em, file, importedBy(ctx)));
  }

  @Roles(...OPERATE_ROLES)
  @Mutation(() => ImportResult, {
    description:
      'Imports the device partnerships an Exchange connector reports (JSON array), as EAS-managed devices.',
  })
  importEasDevices(
    @Arg('connectorId', () => ID) connectorId: string,
    @Arg('file', () => ImportFileInput) file: ImportFileInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<typeof ImportResult> {
    return toResult(() => this.importService.importEasDevices(ctx.em, connectorId, file, importedBy(ctx)));
  }

  @Roles(...OPERATE_ROLES)
  @Mutation(() => ImportResult, {
    description:
      'Imports a Microsoft Graph managedDevice export (`{ "value": [...] }`, at most 20 MB) for a fleet migration.',
  })
  importGraphManagedDevices(
    @Arg('file', () => ImportFileInput) file: ImportFileInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<typeof ImportResult> {
    return toResult(() => this.importService.importGraphManagedDevices(ctx.em, file, importedBy(ctx)));
  }

  @Roles(...OPERATE_ROLES)
  @Mutation(() => DeleteCorporateIdentifiersResult, {
    description:
      'Deletes corporate identifiers (1-5,000 ids). Never changes the ownership of an enrolled device.',
  })
  async deleteCorporateIdentifiers(
    @Arg('ids', () => [ID]) ids: string[],
    @Ctx() ctx: GraphQLContext,
  ): Promise<typeof DeleteCorporateIdentifiersResult> {
    try {
      return Object.assign(new DeleteCorporateIdentifiersSuccess(), {
        deletedCount: await this.importService.deleteCorporateIdentifiers(ctx.em, ids),
      });
    } catch (error) {
      return toUserError(error);
    }
  }

  @Roles(...READ_ROLES)
  @Query(() => [CorporateIdentifier], {
    description: 'Corporate identifiers, optionally only those equal to `identifier`; at most 5,000.',
  })
  corporateIdentifiers(
    @Arg('identifier', () => String, { nullable: true }) identifier: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<CorporateIdentifier[]> {
    return this.importService.corporateIdentifiers(ctx.em, identifier);
  }

  @Roles(...READ_ROLES)
  @Query(() => [ImportRecord], {
    description: 'The latest imports (who, when, file, counts), newest first; at most 100.',
  })
  imports(@Ctx() ctx: GraphQLContext): Promise<ImportRecord[]> {
    return this.importService.recent(ctx.em);
  }

  @Roles(...READ_ROLES)
  @Query(() => [GraphImportedDevice], {
    description: 'Devices imported from Graph managedDevice exports, by Graph id; at most 5,000.',
  })
  graphImportedDevices(@Ctx() ctx: GraphQLContext): Promise<GraphImportedDevice[]> {
    return this.importService.graphImportedDevices(ctx.em);
  }

  @SharedResults()
  @Roles(...READ_ROLES)
  @Subscription(() => ImportCompletedEvent, {
    topics: Topic.ImportCompleted,
    filter: ({ payload, args }: { payload: ImportCompletedPayload; args: { kind?: ImportKind | null } }) =>
      !args.kind || args.kind === payload.kind,
    description: 'One event per committed import, optionally of one kind only (filtered on the server).',
  })
  importCompleted(
    @Root() payload: ImportCompletedPayload,
    @Arg('kind', () => ImportKind, { nullable: true, description: 'Only imports of this kind.' })
    _kind?: ImportKind | null,
  ): ImportCompletedEvent {
    return Object.assign(new ImportCompletedEvent(), payload);
  }
}

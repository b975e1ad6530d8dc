import { Arg, Query, Resolver } from 'type-graphql';
import { Roles } from '../auth/roles.decorator.js';
import { READ_ROLES, Role } from '../auth/role.enum.js';
import { enrollmentMethodCatalog } from './enrollment-method.catalog.js';
import { EnrollmentMethod, PlatformEnrollmentMethods } from './enrollment-method.type.js';
import { DevicePlatform } from './platform.enum.js';

@Resolver()
export class CatalogResolver {
  @Roles(...READ_ROLES, Role.ENROLLER)
  @Query(() => [PlatformEnrollmentMethods], {
    description:
      'Intune’s four enrollment tables: per platform (iOS, macOS, Windows, Android), each enrollment method with its reset, user affinity and locked rules.',
  })
  enrollmentCatalog(): PlatformEnrollmentMethods[] {
    return Object.values(DevicePlatform).map((platform) => ({
      platform,
      methods: enrollmentMethodCatalog.filter((row) => row.platform === platform),
    }));
  }

  @Roles(...READ_ROLES, Role.ENROLLER)
  @Query(() => [EnrollmentMethod], {
    description:
      'Enrollment methods as a flat list of the 14 rows of Intune’s enrollment tables, optionally for one platform only.',
  })
  enrollmentMethods(
    @Arg('platform', () => DevicePlatform, {
      nullable: true,
      description: "Only this platform's rows; all platforms when omitted.",
    })
    platform?: DevicePlatform | null,
  ): EnrollmentMethod[] {
    return enrollmentMethodCatalog.filter((row) => !platform || row.platform === platform);
  }
}

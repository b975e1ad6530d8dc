import type { Role } from './role.enum.js';

/** Who is calling: the API token that authenticated the request, or nobody. */
export interface Principal {
  tokenId: string;
  name: string;
  role: Role;
  /** Set for user tokens: BYOD enrollments act for this user. */
  userPrincipalName: string | null;
}

/**
 * Every cognito-idp operation Tessera serves, assembled for the pipeline.
 */
import type { Operation } from '../../../wire/operation.js';
import { authOperations } from './auth.js';
import { identityProviderOperations } from './identity-providers.js';
import { poolOperations } from './pools.js';
import { resourceServerOperations } from './resource-servers.js';
import { selfServiceOperations } from './self-service.js';
import type { OpsDeps } from './shapes.js';
import { userOperations } from './users.js';

export function allOperations(deps: OpsDeps): Operation[] {
  return [...poolOperations(deps), ...identityProviderOperations(deps), ...resourceServerOperations(deps), ...userOperations(deps), ...authOperations(deps), ...selfServiceOperations(deps)];
}

/**
 * oauth2/ owns the hosted OAuth 2.0 / OpenID Connect endpoints of Cognito user pools
 * (aws-surface.md §8) and the pools' federation to upstream OpenID Providers and SAML IdPs (§9): the
 * per-pool discovery document and JWKS under the issuer `<publicUrl>/<userPoolId>`, and, for
 * each user-pool domain, `<publicUrl>/auth/<domain>/` + `oauth2/authorize`, `login` (managed
 * login page, new-password form), `oauth2/idpresponse`, `saml2/idpresponse` (SAML IdPs, saml.ts), `oauth2/token`, `oauth2/userInfo`,
 * `oauth2/revoke` and `logout`. It keeps only short-lived records of its own (authorization
 * codes, login and upstream transactions, hosted sessions; expiring-store.ts); users, clients,
 * identity providers and tokens belong to the user-pool service (cognito-idp/user-pools.ts).
 */
import type { FastifyInstance } from 'fastify';
import { createHosted } from './context.js';
import type { OAuth2Deps } from './deps.js';
import { authorizeRoutes } from './routes/authorize.js';
import { discoveryRoutes } from './routes/discovery.js';
import { idpResponseRoutes } from './routes/idpresponse.js';
import { loginRoutes } from './routes/login.js';
import { logoutRoutes } from './routes/logout.js';
import { revokeRoutes } from './routes/revoke.js';
import { samlIdpResponseRoutes } from './routes/saml-idpresponse.js';
import { tokenRoutes } from './routes/token.js';
import { userInfoRoutes } from './routes/userinfo.js';
import { createUpstreamClient, type UpstreamOptions } from './upstream.js';

export type { OAuth2Deps, ClientRecord, IssuedTokens } from './deps.js';
export { createUpstreamClient, type UpstreamClient, type UpstreamOptions } from './upstream.js';

/** Registers every hosted endpoint; pass the result in `HttpDeps.routes`. */
export function oauth2Routes(deps: OAuth2Deps, options: { upstream?: UpstreamOptions } = {}): (app: FastifyInstance) => void {
  const hosted = createHosted(deps);
  const upstream = createUpstreamClient(options.upstream);
  const registrations = [
    discoveryRoutes(hosted),
    authorizeRoutes(hosted, upstream),
    loginRoutes(hosted),
    idpResponseRoutes(hosted, upstream),
    samlIdpResponseRoutes(hosted),
    tokenRoutes(hosted),
    userInfoRoutes(hosted),
    revokeRoutes(hosted),
    logoutRoutes(hosted),
  ];
  return (app) => {
    for (const register of registrations) register(app);
  };
}

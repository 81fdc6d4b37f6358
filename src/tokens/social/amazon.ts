/**
 * Login with Amazon: the client sends an access token (`Atza|…`); the pool's value is the
 * application id (`amzn1.application…`). Verified with
 * `GET <api>/auth/o2/tokeninfo?access_token=…`, whose `app_id` must be the value; `exp` there is
 * the number of seconds the token has left (Amazon's tokeninfo, not a NumericDate). Subject:
 * `user_id`. The answer is cached for at most the token's remaining life. Claims as tokeninfo
 * names them: user_id, app_id, aud (the client id of the security profile; AWS's default principal
 * tag `aud` for Amazon is this client id, CG:provider-mappings), plus sub = user_id.
 */
import type { FetchJson, FetchJsonOptions } from '../fetch.js';
import { expiredToken, invalidToken } from '../refusals.js';
import { endpointUrl, withQuery } from './endpoints.js';
import type { IntrospectionCache } from './introspection-cache.js';
import { badAnswer, introspect } from './introspect.js';
import type { SocialVerifier } from './types.js';

const KEY = 'www.amazon.com';

export function createAmazonVerifier(deps: {
  fetchJson: FetchJson;
  endpoints: Readonly<Record<string, string>>;
  cache: IntrospectionCache;
  fetchOptions: FetchJsonOptions;
  clock: () => Date;
}): SocialVerifier {
  const nowSeconds = () => Math.floor(deps.clock().getTime() / 1000);
  return {
    key: KEY,
    async verify(token, audiences) {
      let known = deps.cache.get<{ userId: string; appId: string; clientId?: string; expiresAt: number }>([KEY, token]);
      if (!known) {
        const info = await introspect(deps.fetchJson, withQuery(endpointUrl(deps.endpoints, KEY, '/auth/o2/tokeninfo'), { access_token: token }), 'amazon', deps.fetchOptions);
        const { user_id: userId, app_id: appId, aud, exp } = info;
        if (typeof userId !== 'string' || userId.length === 0 || userId.length > 255) throw badAnswer('amazon.user_id', 'tokeninfo did not name a user', 'a user_id', userId ?? 'absent');
        if (typeof appId !== 'string' || appId.length === 0) throw badAnswer('amazon.app_id', 'tokeninfo did not name an application', 'an app_id', appId ?? 'absent');
        if (typeof exp !== 'number' || !Number.isSafeInteger(exp)) throw badAnswer('amazon.exp', 'tokeninfo exp is not a number of seconds', 'seconds remaining', exp ?? 'absent');
        // Reported as the moment it expired (now + the seconds remaining, ≤ 0), like a JWT's exp.
        if (exp <= 0) throw expiredToken('the Login with Amazon token has expired', 'seconds remaining > 0', { exp: nowSeconds() + exp, remaining: exp });
        known = { userId, appId, ...(typeof aud === 'string' ? { clientId: aud } : {}), expiresAt: nowSeconds() + exp };
        deps.cache.set([KEY, token], known, known.expiresAt);
      }
      if (audiences !== 'any' && !audiences.includes(known.appId)) {
        throw invalidToken('provider.audience', 'the token was issued to another Login with Amazon application', audiences.length === 1 ? audiences[0] : audiences, known.appId);
      }
      return {
        subject: known.userId,
        audience: known.appId,
        claims: { user_id: known.userId, app_id: known.appId, sub: known.userId, ...(known.clientId ? { aud: known.clientId } : {}) },
        expiresAt: known.expiresAt,
      };
    },
  };
}

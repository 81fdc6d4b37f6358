/**
 * Facebook Login: the client sends a user access token; the pool's value is the App ID. Verified
 * with the Graph API, the token in the `access_token` query parameter: `GET /me?fields=id` gives
 * the user id, `GET /app` with the same token gives the app it was issued to, whose `id` must be
 * the App ID (a token issued to another app is refused). Both answers are cached together
 * (introspection-cache.ts). Claims: id, app_id (and aud = app_id, sub = id).
 */
import type { FetchJson, FetchJsonOptions } from '../fetch.js';
import { invalidToken } from '../refusals.js';
import { endpointUrl, withQuery } from './endpoints.js';
import type { IntrospectionCache } from './introspection-cache.js';
import { badAnswer, introspect } from './introspect.js';
import type { SocialVerifier } from './types.js';

const KEY = 'graph.facebook.com';
/** Graph ids are decimal strings. */
const GRAPH_ID = /^[0-9]{1,64}$/;

export function createFacebookVerifier(deps: { fetchJson: FetchJson; endpoints: Readonly<Record<string, string>>; cache: IntrospectionCache; fetchOptions: FetchJsonOptions }): SocialVerifier {
  const ask = (path: string, params: Record<string, string>) =>
    introspect(deps.fetchJson, withQuery(endpointUrl(deps.endpoints, KEY, path), params), 'facebook', deps.fetchOptions);

  return {
    key: KEY,
    async verify(token, audiences) {
      let known = deps.cache.get<{ id: string; appId: string }>([KEY, token]);
      if (!known) {
        const [me, app] = await Promise.all([ask('/me', { fields: 'id', access_token: token }), ask('/app', { access_token: token })]);
        if (typeof me.id !== 'string' || !GRAPH_ID.test(me.id)) throw badAnswer('facebook.me', 'Graph /me did not name a user id', 'a decimal id', me.id ?? 'absent');
        if (typeof app.id !== 'string' || !GRAPH_ID.test(app.id)) throw badAnswer('facebook.app', 'Graph /app did not name an app id', 'a decimal id', app.id ?? 'absent');
        known = { id: me.id, appId: app.id };
        deps.cache.set([KEY, token], known);
      }
      if (audiences !== 'any' && !audiences.includes(known.appId)) {
        throw invalidToken('provider.audience', 'the token was issued to another Facebook app', audiences.length === 1 ? audiences[0] : audiences, known.appId);
      }
      return { subject: known.id, audience: known.appId, claims: { id: known.id, app_id: known.appId, sub: known.id, aud: known.appId } };
    },
  };
}

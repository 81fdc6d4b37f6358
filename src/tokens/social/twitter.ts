/**
 * Twitter / X (OAuth 1.0a): the client sends `"token;secret"` (the user's access token and token
 * secret); the pool's value is `consumerKey;consumerSecret`. Verified by an OAuth 1.0a-signed
 * `GET <api>/1.1/account/verify_credentials.json`; subject = `id_str`. A token the API refuses
 * (401) is 'IdpRejected'. The answer is cached per consumer key and token. Claims: id_str,
 * screen_name when given, aud = the consumer key, sub = id_str.
 */
import type { FetchJson, FetchJsonOptions } from '../fetch.js';
import { invalidToken } from '../refusals.js';
import { endpointUrl } from './endpoints.js';
import type { IntrospectionCache } from './introspection-cache.js';
import { badAnswer, introspect } from './introspect.js';
import { oauth1Authorization } from './oauth1.js';
import type { SocialVerifier } from './types.js';

const KEY = 'api.twitter.com';
const ID = /^[0-9]{1,32}$/;

/** `a;b` with both parts non-empty, or undefined. */
export function splitPair(value: string): [string, string] | undefined {
  const i = value.indexOf(';');
  if (i <= 0 || i === value.length - 1) return undefined;
  return [value.slice(0, i), value.slice(i + 1)];
}

export function createTwitterVerifier(deps: {
  fetchJson: FetchJson;
  endpoints: Readonly<Record<string, string>>;
  cache: IntrospectionCache;
  fetchOptions: FetchJsonOptions;
  clock: () => Date;
}): SocialVerifier {
  return {
    key: KEY,
    async verify(token, audiences) {
      const pair = splitPair(token);
      if (!pair) throw invalidToken('twitter.token', 'the Twitter login is not "token;secret"', 'token;secret', `${token.length} characters`);
      const consumers = audiences === 'any' ? [] : audiences.map(splitPair).filter((c): c is [string, string] => c !== undefined);
      const consumer = consumers[0];
      if (!consumer) {
        throw invalidToken('twitter.consumer', 'no Twitter consumer key and secret are configured', 'consumerKey;consumerSecret', 'absent');
      }
      const [consumerKey, consumerSecret] = consumer;
      let known = deps.cache.get<{ id: string; screenName?: string }>([KEY, consumerKey, token]);
      if (!known) {
        const url = endpointUrl(deps.endpoints, KEY, '/1.1/account/verify_credentials.json');
        const authorization = oauth1Authorization('GET', url, { consumerKey, consumerSecret, token: pair[0], tokenSecret: pair[1] }, Math.floor(deps.clock().getTime() / 1000));
        const user = await introspect(deps.fetchJson, url, 'twitter', { ...deps.fetchOptions, headers: { authorization } });
        if (typeof user.id_str !== 'string' || !ID.test(user.id_str)) throw badAnswer('twitter.id_str', 'verify_credentials did not name a user id', 'a decimal id_str', user.id_str ?? 'absent');
        known = { id: user.id_str, ...(typeof user.screen_name === 'string' ? { screenName: user.screen_name } : {}) };
        deps.cache.set([KEY, consumerKey, token], known);
      }
      return {
        subject: known.id,
        audience: consumerKey,
        claims: { id_str: known.id, ...(known.screenName ? { screen_name: known.screenName } : {}), sub: known.id, aud: consumerKey },
      };
    },
  };
}

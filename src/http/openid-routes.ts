/**
 * Discovery for Tessera's own OpenID issuer (the tokens of GetOpenIdToken*, aws-surface.md §4.8),
 * so relying parties — STS-like verifiers, openid-client, jose's remote JWKS — can fetch its keys:
 *  - `GET /.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §3/§4): `issuer` is the
 *    public URL exactly (§4.3 requires it to equal the `iss` of the tokens), `jwks_uri` is
 *    `${publicUrl}/.well-known/jwks.json`;
 *  - `GET /.well-known/jwks.json` (RFC 7517 §5), and `GET /.well-known/jwks_uri`, the path AWS's
 *    own cognito-identity discovery uses, with the same body.
 * The JWKS is cacheable for at most the ring's jwksMaxAgeSeconds, which never exceeds the
 * pre-publication window, so a cached copy always already holds the next signing key (R5).
 * The routes are mounted at the root; behind a reverse proxy that adds a path to publicUrl, the
 * proxy must strip it.
 */
import type { FastifyInstance } from 'fastify';
import type { SigningKeyRing } from '../keys/signing-keys.js';

export const DISCOVERY_PATH = '/.well-known/openid-configuration';
export const JWKS_PATH = '/.well-known/jwks.json';
/** AWS's spelling (https://cognito-identity.amazonaws.com/.well-known/jwks_uri). */
export const JWKS_ALIAS_PATH = '/.well-known/jwks_uri';

/** Claims Tessera's OpenID tokens carry (aws-surface.md §4.8). */
const CLAIMS_SUPPORTED = ['iss', 'sub', 'aud', 'exp', 'iat', 'amr', 'https://cognito-identity.amazonaws.com/identity-pool-arn', 'https://aws.amazon.com/tags'];

export function openIdRoutes(options: { publicUrl: string; keys: Pick<SigningKeyRing, 'alg' | 'jwks' | 'jwksMaxAgeSeconds'> }): (app: FastifyInstance) => void {
  const issuer = options.publicUrl.replace(/\/+$/, '');
  const cacheControl = `public, max-age=${options.keys.jwksMaxAgeSeconds}`;

  return (app) => {
    app.get(DISCOVERY_PATH, async (_request, reply) => {
      const jwks = await options.keys.jwks();
      // Every algorithm a published key uses (a ring whose alg was changed still verifies with
      // its older keys until they retire), the configured one first.
      const algs = [...new Set([options.keys.alg, ...jwks.keys.map((k) => k.alg).filter((a): a is string => typeof a === 'string')])];
      reply
        .header('cache-control', cacheControl)
        .type('application/json')
        .send({
          issuer,
          jwks_uri: `${issuer}${JWKS_PATH}`,
          response_types_supported: ['id_token'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: algs,
          claims_supported: CLAIMS_SUPPORTED,
        });
    });

    const jwks = async (_request: unknown, reply: import('fastify').FastifyReply) => {
      reply.header('cache-control', cacheControl).type('application/json').send(await options.keys.jwks());
    };
    app.get(JWKS_PATH, jwks);
    app.get(JWKS_ALIAS_PATH, jwks);
  };
}

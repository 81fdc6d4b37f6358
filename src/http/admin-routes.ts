/**
 * Tessera's own admin endpoints (no AWS operation exists for these). Authenticated with the root
 * credentials as HTTP Basic (`access key id : secret access key`), compared in constant time.
 *
 * - `GET /_tessera/user-pools/<userPoolId>/users/<username>/codes`: the confirmation and
 *   password-reset codes Tessera would have mailed (it sends no mail): the sign-up code, then
 *   the password-reset code, where each exists. An unknown pool or user is a 404.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ServiceError } from '../errors/index.js';

export interface AdminDeps {
  rootCredentials: { accessKeyId: string; secretAccessKey: string };
  userPools: {
    lastCodes(userPoolId: string, username: string): Promise<Array<{ purpose: string; code: string; issuedAt: unknown; expiresAt: unknown }>>;
  };
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export function adminRoutes(deps: AdminDeps): (app: FastifyInstance) => void {
  const expected = digest(`${deps.rootCredentials.accessKeyId}:${deps.rootCredentials.secretAccessKey}`);

  function authorised(request: FastifyRequest, reply: FastifyReply): boolean {
    const header = request.headers.authorization ?? '';
    const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header);
    // Hash both sides so the comparison is constant-time whatever the lengths.
    const given = match ? digest(Buffer.from(match[1]!, 'base64').toString('utf8')) : Buffer.alloc(32);
    if (match && timingSafeEqual(given, expected)) return true;
    reply.code(401).header('www-authenticate', 'Basic realm="tessera-admin"').send({ message: 'Root credentials required (HTTP Basic: access key id and secret).' });
    return false;
  }

  return (app) => {
    app.get<{ Params: { userPoolId: string; username: string } }>('/_tessera/user-pools/:userPoolId/users/:username/codes', async (request, reply) => {
      if (!authorised(request, reply)) return;
      try {
        const codes = await deps.userPools.lastCodes(request.params.userPoolId, request.params.username);
        reply.send({ codes });
      } catch (err) {
        if (err instanceof ServiceError && err.fault === 'client') {
          reply.code(err.code === 'ResourceNotFoundException' || err.code === 'UserNotFoundException' ? 404 : err.status).send({ code: err.code, message: err.message });
          return;
        }
        throw err;
      }
    });
  };
}

/**
 * What must hold under concurrency, on SQLite and on PostgreSQL (a dedicated, freshly created
 * database): a TOTP code is accepted once however many sign-ins race with it, and of racing
 * refreshes of one refresh token under rotation with no grace period exactly one returned token
 * stays usable. The user's and the authentication's records are compare-and-swapped in storage,
 * so this holds across nodes too. No 5xx either way.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  AssociateSoftwareTokenCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetTokensFromRefreshTokenCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  SetUserPoolMfaConfigCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { authenticatorCode } from '../../helpers/totp.js';
import { databaseUrl, skipUnlessPostgres } from '../../storage/pg-target.js';
import { startIdp, STRONG, type IdpHarness } from './harness.js';

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const RACERS = 8;

function suite(backend: 'sqlite' | 'postgres', skip: string | false) {
  describe(`one-time TOTP codes and rotated refresh tokens under concurrency on ${backend}`, { skip }, () => {
    let h: IdpHarness;
    let poolId: string;
    let clientId: string;
    let rotatingId: string;
    const dbName = `tessera_idp_${randomBytes(5).toString('hex')}`;

    before(async () => {
      let url: string | undefined;
      if (backend === 'postgres') {
        await admin(`create database ${dbName}`);
        url = new URL(databaseUrl).toString().replace(/\/[^/]*$/, `/${dbName}`);
      }
      h = await startIdp(url ? { databaseUrl: url } : {});
      h.freeze();
      poolId = (await h.idp.send(new CreateUserPoolCommand({ PoolName: 'race' }))).UserPool!.Id!;
      await h.idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, SoftwareTokenMfaConfiguration: { Enabled: true }, MfaConfiguration: 'OPTIONAL' }));
      const flows = { ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH' as const, 'ALLOW_REFRESH_TOKEN_AUTH' as const] };
      clientId = (await h.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app', ...flows }))).UserPoolClient!.ClientId!;
      rotatingId = (await h.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'rot', ...flows, RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 0 } }))).UserPoolClient!.ClientId!;
      for (const name of ['mia', 'ned']) {
        await h.idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: name, MessageAction: 'SUPPRESS' }));
        await h.idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: name, Password: STRONG, Permanent: true }));
      }
    });
    after(async () => {
      await h?.close();
      if (backend === 'postgres') await admin(`drop database if exists ${dbName} with (force)`);
    });

    const signIn = (username: string, client = clientId) =>
      h.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: client, AuthParameters: { USERNAME: username, PASSWORD: STRONG } }));

    it('accepts one TOTP code once when several sign-ins answer with it at the same time', async () => {
      const access = (await signIn('mia')).AuthenticationResult!.AccessToken!;
      const secret = (await h.idp.send(new AssociateSoftwareTokenCommand({ AccessToken: access }))).SecretCode!;
      await h.idp.send(new VerifySoftwareTokenCommand({ AccessToken: access, UserCode: authenticatorCode(secret, h.now().getTime()) }));
      await h.idp.send(new SetUserMFAPreferenceCommand({ AccessToken: access, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));
      h.advance(30);
      const sessions = await Promise.all(Array.from({ length: RACERS }, () => signIn('mia')));
      const code = authenticatorCode(secret, h.now().getTime());
      const results = await Promise.allSettled(
        sessions.map((s) => h.idp.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: s.Session!, ChallengeResponses: { USERNAME: 'mia', SOFTWARE_TOKEN_MFA_CODE: code } }))),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) {
        if (r.status === 'rejected') assert.equal((r.reason as Error).name, 'ExpiredCodeException', String(r.reason));
      }
    });

    it('leaves exactly one usable refresh token after racing refreshes of one token with no grace period', async () => {
      const first = (await signIn('ned', rotatingId)).AuthenticationResult!.RefreshToken!;
      const results = await Promise.allSettled(Array.from({ length: RACERS }, () => h.idp.send(new GetTokensFromRefreshTokenCommand({ ClientId: rotatingId, RefreshToken: first }))));
      const issued = results.filter((r) => r.status === 'fulfilled').map((r) => r.value.AuthenticationResult!.RefreshToken!);
      assert.ok(issued.length >= 1);
      assert.equal(new Set(issued).size, issued.length, 'each success has its own refresh token');
      for (const r of results) {
        if (r.status === 'rejected') assert.equal((r.reason as Error).name, 'RefreshTokenReuseException', String(r.reason));
      }
      const usable = [];
      for (const token of issued) {
        const out = await h.idp.send(new GetTokensFromRefreshTokenCommand({ ClientId: rotatingId, RefreshToken: token })).catch((err: Error) => err);
        if (!(out instanceof Error)) usable.push(out);
        // Spending the usable one retires only that one: the others are judged on the state the race left.
        else assert.equal(out.name, 'RefreshTokenReuseException');
      }
      assert.equal(usable.length, 1);
    });
  });
}

suite('sqlite', false);
suite('postgres', await skipUnlessPostgres());

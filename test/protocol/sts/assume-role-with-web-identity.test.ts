/**
 * sts:AssumeRoleWithWebIdentity refusals, each with the code and status the wire has
 * (aws-surface.md §5.2; security.md §1a J01/J02/J12/J16/J17/J23/J25, A06), against a real HTTPS
 * OpenID issuer, through the unmodified @aws-sdk/client-sts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { CreateOpenIDConnectProviderCommand, GetRoleCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, type AssumeRoleWithWebIdentityCommandInput } from '@aws-sdk/client-sts';
import { startIssuer, type TestIssuer } from '../../helpers/issuer.js';
import { credsOf, policy, rejectsWith, startSts, type StsHarness } from './setup.js';
import { assertCommon, signedForm } from '../pipeline/harness.js';

const NOT_A_JWT = 'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)';
const NOT_AUTHORIZED = 'Not authorized to perform sts:AssumeRoleWithWebIdentity';
const b64u = (s: string) => Buffer.from(s).toString('base64url');

describe('AssumeRoleWithWebIdentity refusals', () => {
  let h: StsHarness;
  let issuer: TestIssuer;
  let host: string;
  let providerArn: string;

  before(async () => {
    issuer = await startIssuer();
    h = await startSts();
    host = issuer.url.slice('https://'.length);
    const created = await h.iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer.url, ClientIDList: ['my-app'], ThumbprintList: [issuer.thumbprint] }));
    providerArn = created.OpenIDConnectProviderArn!;
    const federated = (action: string | string[], condition?: unknown) => ({
      Effect: 'Allow',
      Principal: { Federated: providerArn },
      Action: action,
      ...(condition ? { Condition: condition } : {}),
    });
    await h.createRole('web', policy(federated('sts:AssumeRoleWithWebIdentity', { StringEquals: { [`${host}:aud`]: 'my-app' } })));
    await h.createRole('web-long', policy(federated('sts:AssumeRoleWithWebIdentity')), { maxSessionDuration: 43200 });
    await h.createRole('web-wrong-action', policy(federated('sts:AssumeRole')));
    await h.createRole('web-alice-only', policy(federated('sts:AssumeRoleWithWebIdentity', { StringEquals: { [`${host}:sub`]: 'alice' } })));
    await h.createRole('web-mfa', policy(federated('sts:AssumeRoleWithWebIdentity', { 'ForAnyValue:StringLike': { [`${host}:amr`]: 'mfa*' } })));
    // Tags need sts:TagSession in the trust policy; the role policy lets a session read only the
    // role named by its Project tag, so a read proves the tag reached aws:PrincipalTag.
    const tagged = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'iam:GetRole', Resource: `arn:aws:iam::${h.accountId}:role/\${aws:PrincipalTag/Project}` },
        { Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/Team': 'blue' } } },
      ],
    };
    await h.createRole('web-tags', policy(federated(['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'])), { policy: tagged });
    await h.createRole('web-tags-untrusted', policy(federated('sts:AssumeRoleWithWebIdentity')), { policy: tagged });
    const nobody = policy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${h.accountId}:root` }, Action: 'sts:AssumeRole' });
    await h.createRole('Automation', nobody);
    await h.createRole('Manual', nobody);
  });

  after(async () => {
    await h?.close();
    await issuer?.close();
  });

  const token = (claims: Record<string, unknown> = {}) => issuer.sign(issuer.claims({ sub: 'alice', aud: 'my-app', ...claims }));

  function call(input: Partial<AssumeRoleWithWebIdentityCommandInput> & { WebIdentityToken: string }) {
    return h.sts().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: h.roleArn('web'), RoleSessionName: 'session-1', ...input }));
  }

  describe('token format', () => {
    it('accepts a well-formed token (the baseline every refusal below differs from)', async () => {
      const out = await call({ WebIdentityToken: token() });
      assert.equal(out.SubjectFromWebIdentityToken, 'alice');
      assert.equal(out.Provider, providerArn);
    });

    it('refuses a string that is not a JWT with InvalidIdentityToken and the AWS message', async () => {
      await rejectsWith(call({ WebIdentityToken: 'this is not a token' }), 'InvalidIdentityToken', NOT_A_JWT, 400);
    });

    it('refuses a token with two segments as not a valid JWT', async () => {
      const [head, body] = token().split('.');
      await rejectsWith(call({ WebIdentityToken: `${head}.${body}` }), 'InvalidIdentityToken', NOT_A_JWT, 400);
    });

    it('refuses a five-segment JWE as not a valid JWT', async () => {
      const jwe = [b64u('{"alg":"RSA-OAEP","enc":"A256GCM"}'), 'a2V5', 'aXY', b64u(JSON.stringify(issuer.claims())), 'dGFn'].join('.');
      await rejectsWith(call({ WebIdentityToken: jwe }), 'InvalidIdentityToken', NOT_A_JWT, 400);
    });

    it('refuses a token whose payload is not base64url JSON as not a valid JWT', async () => {
      const [head, , sig] = token().split('.');
      await rejectsWith(call({ WebIdentityToken: `${head}.${b64u('not json')}.${sig}` }), 'InvalidIdentityToken', NOT_A_JWT, 400);
    });
    it('refuses a token longer than 20,000 characters with ValidationError before any parsing', async () => {
      const huge = token({ pad: 'x'.repeat(20_000) });
      await rejectsWith(call({ WebIdentityToken: huge }), 'ValidationError', /webIdentityToken/, 400);
    });

    it('refuses a token whose header is not JSON, or whose iss is not a string, with InvalidIdentityToken', async () => {
      const [, body, sig] = token().split('.');
      await rejectsWith(call({ WebIdentityToken: `${b64u('not json')}.${body}.${sig}` }), 'InvalidIdentityToken', undefined, 400);
      const [head] = token().split('.');
      await rejectsWith(call({ WebIdentityToken: `${head}.${b64u(JSON.stringify({ iss: 42, aud: 'my-app' }))}.${sig}` }), 'InvalidIdentityToken', undefined, 400);
      await rejectsWith(call({ WebIdentityToken: `${head}.${b64u('[1,2]')}.${sig}` }), 'InvalidIdentityToken', undefined, 400);
    });

    it('refuses a correctly signed payload with duplicate member names (the first sub must not hide behind the last)', async () => {
      const claims = issuer.claims({ aud: 'my-app' });
      const payload = JSON.stringify(claims).replace('"sub":"user-1234"', '"sub":"bob","sub":"alice"');
      assert.match(payload, /"sub":"bob","sub":"alice"/);
      const t = issuer.signRaw('{"alg":"RS256","typ":"JWT","kid":"rsa-1"}', payload);
      await rejectsWith(call({ RoleArn: h.roleArn('web-alice-only'), WebIdentityToken: t }), 'InvalidIdentityToken', undefined, 400);
    });
  });

  describe('issuer', () => {
    it('refuses an iss with no registered provider, naming the iss', async () => {
      const other = 'https://idp.unregistered.example';
      await rejectsWith(call({ WebIdentityToken: token({ iss: other }) }), 'InvalidIdentityToken', `No OpenIDConnect provider found in your account for ${other}`, 400);
    });

    it('matches the provider URL case-sensitively: a token iss differing only in case has no provider', async () => {
      await h.iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://idp.case.example/Tenant', ClientIDList: ['my-app'], ThumbprintList: ['0123456789abcdef0123456789abcdef01234567'] }));
      for (const iss of ['https://idp.case.example/tenant', 'https://IDP.case.example/Tenant', 'https://idp.case.example/Tenant/']) {
        await rejectsWith(call({ WebIdentityToken: token({ iss }) }), 'InvalidIdentityToken', `No OpenIDConnect provider found in your account for ${iss}`, 400);
      }
    });

    for (const [label, mutate] of [
      ['a trailing slash', (u: string) => `${u}/`],
      ['http:// instead of https://', (u: string) => u.replace('https://', 'http://')],
      ['an upper-case scheme', (u: string) => u.replace('https://', 'HTTPS://')],
      ['an explicit path of "/."', (u: string) => `${u}/.`],
    ] as const) {
      it(`refuses an iss differing from the provider URL only by ${label} as having no provider`, async () => {
        const iss = mutate(issuer.url);
        const before = issuer.jwksRequests + issuer.discoveryRequests;
        await rejectsWith(call({ WebIdentityToken: token({ iss }) }), 'InvalidIdentityToken', `No OpenIDConnect provider found in your account for ${iss}`, 400);
        // The near-miss issuer is never contacted (nor is the real one, on its behalf).
        assert.equal(issuer.jwksRequests + issuer.discoveryRequests, before);
      });
    }
  });

  describe('audience', () => {
    it('refuses an aud that is not in the provider ClientIDList with "Incorrect token audience"', async () => {
      await rejectsWith(call({ WebIdentityToken: token({ aud: 'other-app' }) }), 'InvalidIdentityToken', 'Incorrect token audience', 400);
    });

    it('refuses an aud array none of whose members is a client id', async () => {
      await rejectsWith(call({ WebIdentityToken: token({ aud: ['other-app', 'MY-APP'] }) }), 'InvalidIdentityToken', 'Incorrect token audience', 400);
    });
  });

  describe('claims', () => {
    it('refuses an azp that is not a client id with "Incorrect token audience", even when aud matches', async () => {
      await rejectsWith(call({ WebIdentityToken: token({ azp: 'evil-app' }) }), 'InvalidIdentityToken', 'Incorrect token audience', 400);
    });

    it('refuses missing or malformed exp, and a missing or empty sub, with InvalidIdentityToken (never a 5xx)', async () => {
      const now = Math.floor(Date.now() / 1000);
      for (const claims of [{ exp: undefined }, { exp: String(now + 3600) }, { exp: now + 3600.5 }, { exp: [now + 3600] }, { sub: undefined }, { sub: '' }, { sub: 42 }]) {
        const c = issuer.claims({ sub: 'alice', aud: 'my-app', ...claims });
        for (const [k, v] of Object.entries(claims)) if (v === undefined) delete c[k];
        await rejectsWith(call({ WebIdentityToken: issuer.sign(c) }), 'InvalidIdentityToken', undefined, 400);
      }
    });
  });

  describe('lifetime', () => {
    it('refuses a token that expired more than five minutes ago with ExpiredTokenException', async () => {
      const now = Math.floor(Date.now() / 1000);
      await rejectsWith(call({ WebIdentityToken: token({ iat: now - 3600, exp: now - 301 }) }), 'ExpiredTokenException', undefined, 400);
    });

    it('accepts a token that expired less than five minutes ago (AWS clock-skew grace)', async () => {
      const now = Math.floor(Date.now() / 1000);
      const out = await call({ WebIdentityToken: token({ iat: now - 3600, exp: now - 240 }) });
      assert.match(out.Credentials!.AccessKeyId!, /^ASIA/);
    });
  });

  describe('signature', () => {
    it('refuses alg "none" with an empty signature', async () => {
      const t = issuer.signRaw('{"alg":"none","typ":"JWT"}', JSON.stringify(issuer.claims({ sub: 'alice', aud: 'my-app' })));
      assert.ok(t.endsWith('.'));
      await rejectsWith(call({ WebIdentityToken: t }), 'InvalidIdentityToken', undefined, 400);
    });

    it('refuses HS256 keyed with the bytes of the provider RSA public key (key confusion)', async () => {
      const rsa = issuer.keys().find((k) => k.kid === 'rsa-1')!;
      const payload = JSON.stringify(issuer.claims({ sub: 'alice', aud: 'my-app' }));
      const pem = createPublicKey(rsa.privateKey).export({ type: 'spki', format: 'pem' }) as string;
      const der = createPublicKey(rsa.privateKey).export({ type: 'spki', format: 'der' });
      const jwk = Buffer.from(JSON.stringify(rsa.publicJwk));
      for (const secret of [Buffer.from(pem), der, jwk]) {
        const t = issuer.signRaw('{"alg":"HS256","typ":"JWT","kid":"rsa-1"}', payload, { hmacSecret: secret });
        await rejectsWith(call({ WebIdentityToken: t }), 'InvalidIdentityToken', undefined, 400);
      }
    });

    it('refuses a token naming a kid the JWKS does not have', async () => {
      const t = issuer.sign(issuer.claims({ sub: 'alice', aud: 'my-app' }), { kid: 'rsa-1', header: { kid: 'no-such-key' } });
      await rejectsWith(call({ WebIdentityToken: t }), 'InvalidIdentityToken', undefined, 400);
    });

    it('refuses a token whose payload was changed after signing', async () => {
      const [head, , sig] = token({ sub: 'bob' }).split('.');
      const forged = b64u(JSON.stringify(issuer.claims({ sub: 'alice', aud: 'my-app' })));
      await rejectsWith(call({ RoleArn: h.roleArn('web-alice-only'), WebIdentityToken: `${head}.${forged}.${sig}` }), 'InvalidIdentityToken', undefined, 400);
    });
  });

  describe('reaching the identity provider', () => {
    it('answers IDPCommunicationError (400) when the provider is registered with a thumbprint that matches no certificate of the issuer', async () => {
      const other = await startIssuer();
      try {
        await h.iam.send(new CreateOpenIDConnectProviderCommand({ Url: other.url, ClientIDList: ['my-app'], ThumbprintList: ['0123456789abcdef0123456789abcdef01234567'] }));
        const otherArn = `arn:aws:iam::${h.accountId}:oidc-provider/${other.url.slice(8)}`;
        await h.createRole('web-wrong-thumbprint', policy({ Effect: 'Allow', Principal: { Federated: otherArn }, Action: 'sts:AssumeRoleWithWebIdentity' }));
        const t = other.sign(other.claims({ sub: 'alice', aud: 'my-app' }));
        await rejectsWith(call({ RoleArn: h.roleArn('web-wrong-thumbprint'), WebIdentityToken: t }), 'IDPCommunicationError', undefined, 400);
        // The TLS handshake failed, so no key set was ever served.
        assert.equal(other.jwksRequests, 0);
      } finally {
        await other.close();
      }
    });

    it('answers IDPCommunicationError (400, not a 5xx) when the issuer is down', async () => {
      const down = await startIssuer();
      await h.iam.send(new CreateOpenIDConnectProviderCommand({ Url: down.url, ClientIDList: ['my-app'], ThumbprintList: [down.thumbprint] }));
      const downArn = `arn:aws:iam::${h.accountId}:oidc-provider/${down.url.slice(8)}`;
      await h.createRole('web-down', policy({ Effect: 'Allow', Principal: { Federated: downArn }, Action: 'sts:AssumeRoleWithWebIdentity' }));
      const t = down.sign(down.claims({ sub: 'alice', aud: 'my-app' }));
      await down.close();
      await rejectsWith(call({ RoleArn: h.roleArn('web-down'), WebIdentityToken: t }), 'IDPCommunicationError', undefined, 400);
    });
  });

  describe('role and trust policy', () => {
    it('refuses a role that does not exist with AccessDenied (403)', async () => {
      await rejectsWith(call({ RoleArn: h.roleArn('no-such-role'), WebIdentityToken: token() }), 'AccessDenied', NOT_AUTHORIZED, 403);
    });

    it('refuses a role of another account, or a RoleArn that is not a role ARN, without a 5xx', async () => {
      await rejectsWith(call({ RoleArn: 'arn:aws:iam::999999999999:role/web', WebIdentityToken: token() }), 'AccessDenied', NOT_AUTHORIZED, 403);
      await rejectsWith(call({ RoleArn: `arn:aws:iam::${h.accountId}:user/web`, WebIdentityToken: token() }), 'AccessDenied', NOT_AUTHORIZED, 403);
      await rejectsWith(call({ RoleArn: `arn:aws:iam::${h.accountId}:role/`, WebIdentityToken: token() }), 'AccessDenied', NOT_AUTHORIZED, 403);
      // arnType is 20..2048 characters (A06).
      await rejectsWith(call({ RoleArn: 'arn:aws:iam::1:role', WebIdentityToken: token() }), 'ValidationError', /roleArn/, 400);
    });

    it('refuses when the trust policy allows another action only', async () => {
      await rejectsWith(call({ RoleArn: h.roleArn('web-wrong-action'), WebIdentityToken: token() }), 'AccessDenied', NOT_AUTHORIZED, 403);
    });

    it('refuses when a trust-policy condition does not match the token', async () => {
      await rejectsWith(call({ RoleArn: h.roleArn('web-alice-only'), WebIdentityToken: token({ sub: 'bob' }) }), 'AccessDenied', NOT_AUTHORIZED, 403);
      const ok = await call({ RoleArn: h.roleArn('web-alice-only'), WebIdentityToken: token({ sub: 'alice' }) });
      assert.equal(ok.SubjectFromWebIdentityToken, 'alice');
    });

    it('evaluates ForAnyValue:StringLike on <provider>:amr against every amr value', async () => {
      const arn = h.roleArn('web-mfa');
      const ok = await call({ RoleArn: arn, WebIdentityToken: token({ amr: ['pwd', 'mfa-otp'] }) });
      assert.match(ok.Credentials!.AccessKeyId!, /^ASIA/);
      await rejectsWith(call({ RoleArn: arn, WebIdentityToken: token({ amr: ['pwd', 'otp-mfa'] }) }), 'AccessDenied', NOT_AUTHORIZED, 403);
      // ForAnyValue over an absent key is false.
      await rejectsWith(call({ RoleArn: arn, WebIdentityToken: token() }), 'AccessDenied', NOT_AUTHORIZED, 403);
    });
  });

  describe('parameters', () => {
    it('refuses DurationSeconds 899 and 43201 with ValidationError, and accepts 900 and 43200', async () => {
      for (const DurationSeconds of [899, 43201]) {
        await rejectsWith(call({ RoleArn: h.roleArn('web-long'), WebIdentityToken: token(), DurationSeconds }), 'ValidationError', /durationSeconds/, 400);
      }
      for (const DurationSeconds of [900, 43200]) {
        const out = await call({ RoleArn: h.roleArn('web-long'), WebIdentityToken: token(), DurationSeconds });
        const ttl = out.Credentials!.Expiration!.getTime() - Date.now();
        assert.ok(ttl > (DurationSeconds - 10) * 1000 && ttl <= DurationSeconds * 1000, `ttl ${ttl} ms for ${DurationSeconds}`);
      }
    });

    it('refuses DurationSeconds above the role MaxSessionDuration with ValidationError', async () => {
      await rejectsWith(call({ WebIdentityToken: token(), DurationSeconds: 3601 }), 'ValidationError', /MaxSessionDuration/, 400);
    });

    it('refuses a RoleSessionName of one character or with characters outside [\\w+=,.@-]', async () => {
      for (const RoleSessionName of ['a', 'has space', 'slash/name', 'star*', 'x'.repeat(65)]) {
        await rejectsWith(call({ WebIdentityToken: token(), RoleSessionName }), 'ValidationError', /roleSessionName/, 400);
      }
    });

    it('refuses a session Policy that is not JSON with MalformedPolicyDocument', async () => {
      await rejectsWith(call({ WebIdentityToken: token(), Policy: '{"Version":"2012-10-17","Statement":[' }), 'MalformedPolicyDocument', undefined, 400);
      await rejectsWith(call({ WebIdentityToken: token(), Policy: 'not json at all' }), 'MalformedPolicyDocument', undefined, 400);
    });

    it('refuses a session Policy longer than 2,048 characters with ValidationError (sessionPolicyDocumentType max 2048)', async () => {
      const long = JSON.stringify(policy({ Sid: 'x'.repeat(2100), Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }));
      assert.ok(long.length > 2048);
      await rejectsWith(call({ WebIdentityToken: token(), Policy: long }), 'ValidationError', /policy/, 400);
    });
  });

  describe('session tags from the https://aws.amazon.com/tags claim', () => {
    const tags = { 'https://aws.amazon.com/tags': { principal_tags: { Project: ['Automation'], Team: ['blue'] }, transitive_tag_keys: ['Project'] } };

    it('refuses a tagged token when the trust policy does not allow sts:TagSession', async () => {
      await rejectsWith(call({ RoleArn: h.roleArn('web-tags-untrusted'), WebIdentityToken: token(tags) }), 'AccessDenied', NOT_AUTHORIZED, 403);
      // The same role accepts the same user without tags.
      const out = await call({ RoleArn: h.roleArn('web-tags-untrusted'), WebIdentityToken: token() });
      assert.match(out.Credentials!.AccessKeyId!, /^ASIA/);
    });

    it('makes the tags aws:PrincipalTag/… of the session: a ${aws:PrincipalTag/Project} resource matches only the tagged role', async () => {
      const out = await call({ RoleArn: h.roleArn('web-tags'), WebIdentityToken: token(tags) });
      const asSession = h.iamAs(credsOf(out));
      const role = await asSession.send(new GetRoleCommand({ RoleName: 'Automation' }));
      assert.equal(role.Role!.RoleName, 'Automation');
      await rejectsWith(asSession.send(new GetRoleCommand({ RoleName: 'Manual' })), 'AccessDenied', /iam:GetRole/, 403);
    });

    it('makes the tags usable in a StringEquals condition on aws:PrincipalTag/Team', async () => {
      const blue = h.iamAs(credsOf(await call({ RoleArn: h.roleArn('web-tags'), WebIdentityToken: token(tags) })));
      const listed = await blue.send(new ListRolesCommand({}));
      assert.ok(listed.Roles!.some((r) => r.RoleName === 'web-tags'));
      const red = h.iamAs(
        credsOf(await call({ RoleArn: h.roleArn('web-tags'), WebIdentityToken: token({ 'https://aws.amazon.com/tags': { principal_tags: { Project: ['Automation'], Team: ['red'] } } }) })),
      );
      await rejectsWith(red.send(new ListRolesCommand({})), 'AccessDenied', /iam:ListRoles/, 403);
    });
  });

  describe('authentication', () => {
    it('accepts the call unsigned (the SDK sends no Authorization) and also when validly signed (optionalAuth)', async () => {
      const form = new URLSearchParams({ Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: h.roleArn('web'), RoleSessionName: 'signed', WebIdentityToken: token() });
      const res = await signedForm(h.server, form.toString());
      assertCommon(res, 200);
      assert.match(res.text, /<AssumeRoleWithWebIdentityResult>/);
    });

    it('refuses the call when it carries a signature that does not verify', async () => {
      const form = new URLSearchParams({ Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: h.roleArn('web'), RoleSessionName: 'signed', WebIdentityToken: token() });
      const res = await signedForm(h.server, form.toString(), { credentials: { accessKeyId: h.server.rootCredentials.accessKeyId, secretAccessKey: 'not-the-secret-0000000000000000000000000' } });
      assertCommon(res, 403);
      assert.match(res.text, /<Code>SignatureDoesNotMatch<\/Code>/);
    });
  });

  describe('credential expiry', () => {
    it('accepts a request signed with vended credentials 1 s before Expiration and refuses it with ExpiredToken at and after it', async () => {
      h.offsetMs = 0;
      const out = await call({ RoleArn: h.roleArn('web-long'), WebIdentityToken: token(), DurationSeconds: 900 });
      const creds = credsOf(out);
      const expiration = out.Credentials!.Expiration!.getTime();
      try {
        h.offsetMs = expiration - 1000 - Date.now();
        const me = await h.sts(creds).send(new GetCallerIdentityCommand({}));
        assert.equal(me.Arn, `arn:aws:sts::${h.accountId}:assumed-role/web-long/session-1`);

        h.offsetMs = expiration - Date.now();
        await rejectsWith(h.sts(creds).send(new GetCallerIdentityCommand({})), 'ExpiredToken', 'The security token included in the request is expired', 403);

        h.offsetMs = expiration + 3600_000 - Date.now();
        await rejectsWith(h.sts(creds).send(new GetCallerIdentityCommand({})), 'ExpiredToken', undefined, 403);
      } finally {
        h.offsetMs = 0;
      }
    });
  });
});

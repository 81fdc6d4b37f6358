/**
 * Token-verification state belongs to one Tessera instance (issue 24): two instances in one
 * process share no decoded-token memo and no JWKS cache, so neither sees, nor is slowed or
 * poisoned by, what the other has verified.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateOpenIDConnectProviderCommand } from '@aws-sdk/client-iam';
import { AssumeRoleWithWebIdentityCommand } from '@aws-sdk/client-sts';
import { startIssuer, type TestIssuer } from '../../helpers/issuer.js';
import { policy, startSts, type StsHarness } from './setup.js';

describe('two Tessera instances in one process', () => {
  let a: StsHarness;
  let b: StsHarness;
  let issuer: TestIssuer;

  before(async () => {
    issuer = await startIssuer();
    a = await startSts();
    b = await startSts();
    for (const h of [a, b]) {
      const created = await h.iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer.url, ClientIDList: ['my-app'], ThumbprintList: [issuer.thumbprint] }));
      await h.createRole('web', policy({ Effect: 'Allow', Principal: { Federated: created.OpenIDConnectProviderArn! }, Action: 'sts:AssumeRoleWithWebIdentity' }));
    }
  });

  after(async () => {
    await a?.close();
    await b?.close();
    await issuer?.close();
  });

  const assume = (h: StsHarness, token: string) =>
    h.sts().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: h.roleArn('web'), RoleSessionName: 'isolated', WebIdentityToken: token }));

  it('share no remembered token and no JWKS: the second instance decodes and fetches the keys itself', async () => {
    const token = issuer.sign(issuer.claims({ sub: 'shared-user', aud: 'my-app' }));
    const jwksBefore = issuer.jwksRequests;
    await assume(a, token);
    await assume(a, token);
    assert.equal(issuer.jwksRequests, jwksBefore + 1, 'the first instance fetched the keys once');
    const aEntries = a.server.tessera.tokenDecoder.stats().entries;
    assert.ok(aEntries >= 1);
    assert.equal(b.server.tessera.tokenDecoder.stats().entries, 0, 'the second instance remembers nothing of the first');
    await assume(b, token);
    assert.equal(issuer.jwksRequests, jwksBefore + 2, 'the second instance fetched the keys itself');
    assert.equal(b.server.tessera.tokenDecoder.stats().entries, 1);
    assert.equal(a.server.tessera.tokenDecoder.stats().entries, aEntries);
  });
});

/**
 * What Tessera remembers after a request must not keep the request itself alive. The decoded-token
 * memo is bounded by entries and by the characters of the tokens it keeps (docs/configuration.md,
 * "Caches on the request path"); a token cut out of a form body as a V8 slice kept the whole body
 * with it, so each remembered token could hold up to the 11 MiB body limit (src/json/own-string.ts).
 *
 * Measured in this process (the server runs in it): the live heap after full collections, before
 * and after a series of calls each carrying a valid, new token beside a 512 KiB parameter.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateOpenIDConnectProviderCommand } from '@aws-sdk/client-iam';
import { CognitoIdentityClient, CreateIdentityPoolCommand } from '@aws-sdk/client-cognito-identity';
import { liveHeapMiB } from '../../helpers/heap.js';
import { startIssuer, type TestIssuer } from '../../helpers/issuer.js';
import { policy, startSts, type StsHarness } from './setup.js';

const CALLS = 64;
const PADDING = 'a'.repeat(512 * 1024);
/** Everything the calls may legitimately leave behind (memo entries, log buffers) is far below this. */
const BUDGET_MIB = 8;

describe('request bodies after the request', () => {
  let h: StsHarness;
  let issuer: TestIssuer;
  let providerArn: string;

  before(async () => {
    issuer = await startIssuer();
    h = await startSts();
    const created = await h.iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer.url, ClientIDList: ['my-app'], ThumbprintList: [issuer.thumbprint] }));
    providerArn = created.OpenIDConnectProviderArn!;
    await h.createRole('web', policy({ Effect: 'Allow', Principal: { Federated: providerArn }, Action: 'sts:AssumeRoleWithWebIdentity' }));
  });

  after(async () => {
    await h?.close();
    await issuer?.close();
  });

  const tokens = (prefix: string) => Promise.all(Array.from({ length: CALLS + 1 }, (_, i) => issuer.sign(issuer.claims({ sub: `${prefix}-${i}`, aud: 'my-app' }))));

  /** AssumeRoleWithWebIdentity by form with the 512 KiB parameter beside the token; returns the status and body. */
  async function formCall(token: string): Promise<{ status: number; text: string }> {
    const body = `Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=${encodeURIComponent(h.roleArn('web'))}&RoleSessionName=session-1&WebIdentityToken=${token}&Padding=${PADDING}`;
    const res = await fetch(h.server.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    return { status: res.status, text: await res.text() };
  }

  /** Calls once (first use of everything on the path: keys, caches, compiled code), then measures the rest. */
  async function growthOver(inputs: string[], call: (input: string) => Promise<void>): Promise<{ grownMiB: number; remembered: number }> {
    await call(inputs[0]!);
    const before = liveHeapMiB();
    const entriesBefore = h.server.tessera.tokenDecoder.stats().entries;
    for (const input of inputs.slice(1)) await call(input);
    return { grownMiB: liveHeapMiB() - before, remembered: h.server.tessera.tokenDecoder.stats().entries - entriesBefore };
  }

  const withinBudget = (grownMiB: number) =>
    assert.ok(grownMiB < BUDGET_MIB, `the live heap grew by ${grownMiB.toFixed(1)} MiB over ${CALLS} calls with ${PADDING.length / 1024} KiB bodies`);

  it('a web identity token remembered from a form body does not keep the body alive', async () => {
    const { grownMiB, remembered } = await growthOver(await tokens('form'), async (token) => {
      const { status, text } = await formCall(token);
      assert.equal(status, 200, text.slice(0, 300));
    });
    assert.equal(remembered, CALLS, 'every token was remembered');
    withinBudget(grownMiB);
  });

  it('a forged token, refused but remembered as decoded, does not keep its form body alive', async () => {
    // The memo keeps what decoding established, before any signature check: so before the fix,
    // anyone could pin 2,048 bodies of up to 11 MiB each with made-up tokens.
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const forged = Array.from({ length: CALLS + 1 }, (_, i) => `${b64({ alg: 'RS256', kid: 'k' })}.${b64({ iss: issuer.url, sub: `forged-${i}`, aud: 'my-app', exp: 2e9 })}.${Buffer.alloc(256, i).toString('base64url')}`);
    const { grownMiB, remembered } = await growthOver(forged, async (token) => {
      const { status, text } = await formCall(token);
      assert.equal(status, 400, text.slice(0, 300));
      assert.match(text, /<Code>InvalidIdentityToken<\/Code>/);
    });
    assert.equal(remembered, CALLS, 'every forged token was remembered as decoded');
    withinBudget(grownMiB);
  });

  it('a login token remembered from a JSON body does not keep the body alive', async () => {
    const client = new CognitoIdentityClient({ endpoint: h.server.url, region: h.server.region, credentials: h.server.rootCredentials });
    const pool = await client.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'retention', AllowUnauthenticatedIdentities: false, OpenIdConnectProviderARNs: [providerArn] }));
    client.destroy();
    const signed = await tokens('json');
    const providerKey = issuer.url.slice('https://'.length);
    const { grownMiB } = await growthOver(signed, async (token) => {
      const body = JSON.stringify({ IdentityPoolId: pool.IdentityPoolId, Logins: { [providerKey]: token }, Padding: PADDING });
      const res = await fetch(h.server.url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityService.GetId' }, body });
      const text = await res.text();
      assert.equal(res.status, 200, text.slice(0, 300));
    });
    withinBudget(grownMiB);
  });
});

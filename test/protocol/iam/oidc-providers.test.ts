import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AddClientIDToOpenIDConnectProviderCommand,
  CreateOpenIDConnectProviderCommand,
  DeleteOpenIDConnectProviderCommand,
  GetOpenIDConnectProviderCommand,
  ListOpenIDConnectProvidersCommand,
  ListOpenIDConnectProviderTagsCommand,
  RemoveClientIDFromOpenIDConnectProviderCommand,
  TagOpenIDConnectProviderCommand,
  UntagOpenIDConnectProviderCommand,
  UpdateOpenIDConnectProviderThumbprintCommand,
} from '@aws-sdk/client-iam';
import { rejectsWith, startIam, type IamHarness } from './setup.js';

let h: IamHarness;
let providerArn = '';
const THUMB = '9E99A48A9960B14926BB7F3B02E22DA2B0AB7280';

before(async () => {
  h = await startIam();
});
after(async () => {
  await h?.close();
});

test('CreateOpenIDConnectProvider with a port yields an ARN of host:port/path', async () => {
  const out = await h.iam.send(
    new CreateOpenIDConnectProviderCommand({ Url: 'https://127.0.0.1:8443/idp', ClientIDList: ['app-1', 'app-1', 'app-2'], ThumbprintList: [THUMB], Tags: [{ Key: 'k', Value: 'v' }] }),
  );
  providerArn = out.OpenIDConnectProviderArn!;
  assert.equal(providerArn, `arn:aws:iam::${h.accountId}:oidc-provider/127.0.0.1:8443/idp`);
  assert.deepEqual(out.Tags, [{ Key: 'k', Value: 'v' }]);
});

test('GetOpenIDConnectProvider returns the Url without scheme, de-duplicated client ids, lower-case thumbprints', async () => {
  const out = await h.iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn }));
  assert.equal(out.Url, '127.0.0.1:8443/idp');
  assert.deepEqual(out.ClientIDList, ['app-1', 'app-2']);
  assert.deepEqual(out.ThumbprintList, [THUMB.toLowerCase()]);
  assert.ok(out.CreateDate instanceof Date);
  assert.deepEqual(out.Tags, [{ Key: 'k', Value: 'v' }]);
});

test('a trailing slash makes a different provider; the same URL again is EntityAlreadyExists', async () => {
  const slash = await h.iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://127.0.0.1:8443/idp/', ClientIDList: ['a'] }));
  assert.equal(slash.OpenIDConnectProviderArn, `arn:aws:iam::${h.accountId}:oidc-provider/127.0.0.1:8443/idp/`);
  await rejectsWith(
    h.iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://127.0.0.1:8443/idp', ClientIDList: ['a'] })),
    'EntityAlreadyExists',
    'Provider with url https://127.0.0.1:8443/idp already exists.',
    409,
  );
});

test('CreateOpenIDConnectProvider refuses http URLs, query strings and bad thumbprints with InvalidInput', async () => {
  await rejectsWith(h.iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'http://idp.example.com', ClientIDList: ['a'] })), 'InvalidInput', undefined, 400);
  await rejectsWith(h.iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://idp.example.com/?x=1', ClientIDList: ['a'] })), 'InvalidInput');
  await rejectsWith(h.iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://idp.example.com', ThumbprintList: ['z'.repeat(40)] })), 'InvalidInput');
  await rejectsWith(
    h.iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://idp.example.com', ThumbprintList: Array.from({ length: 6 }, (_, i) => String(i).repeat(40)) })),
    'InvalidInput',
  );
});

test('ListOpenIDConnectProviders lists every provider ARN', async () => {
  const out = await h.iam.send(new ListOpenIDConnectProvidersCommand({}));
  assert.deepEqual(out.OpenIDConnectProviderList!.map((p) => p.Arn).sort(), [providerArn, `${providerArn}/`].sort());
});

test('AddClientID is idempotent and RemoveClientID ignores absent ids', async () => {
  await h.iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn, ClientID: 'app-3' }));
  await h.iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn, ClientID: 'app-3' }));
  await h.iam.send(new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn, ClientID: 'app-1' }));
  await h.iam.send(new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn, ClientID: 'never-there' }));
  const out = await h.iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn }));
  assert.deepEqual(out.ClientIDList, ['app-2', 'app-3']);
});

test('a provider holds at most 100 client ids: LimitExceeded', async () => {
  const ids = Array.from({ length: 100 }, (_, i) => `c${i}`);
  const out = await h.iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://full.example.com', ClientIDList: ids }));
  await rejectsWith(h.iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: out.OpenIDConnectProviderArn!, ClientID: 'c100' })), 'LimitExceeded');
  await h.iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: out.OpenIDConnectProviderArn! }));
});

test('UpdateOpenIDConnectProviderThumbprint replaces the list', async () => {
  const next = ['a'.repeat(40), 'B'.repeat(40)];
  await h.iam.send(new UpdateOpenIDConnectProviderThumbprintCommand({ OpenIDConnectProviderArn: providerArn, ThumbprintList: next }));
  const out = await h.iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn }));
  assert.deepEqual(out.ThumbprintList, ['a'.repeat(40), 'b'.repeat(40)]);
  await rejectsWith(h.iam.send(new UpdateOpenIDConnectProviderThumbprintCommand({ OpenIDConnectProviderArn: providerArn, ThumbprintList: ['abc'.padEnd(40, 'g')] })), 'InvalidInput');
});

test('Tag, ListTags (paginated) and Untag an OIDC provider', async () => {
  await h.iam.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn, Tags: [{ Key: 'env', Value: 'dev' }] }));
  const p1 = await h.iam.send(new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: providerArn, MaxItems: 1 }));
  assert.deepEqual(p1.Tags, [{ Key: 'k', Value: 'v' }]);
  assert.equal(p1.IsTruncated, true);
  const p2 = await h.iam.send(new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: providerArn, Marker: p1.Marker }));
  assert.deepEqual(p2.Tags, [{ Key: 'env', Value: 'dev' }]);
  await h.iam.send(new UntagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn, TagKeys: ['k'] }));
  const all = await h.iam.send(new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: providerArn }));
  assert.deepEqual(all.Tags, [{ Key: 'env', Value: 'dev' }]);
});

test('unknown provider ARNs are NoSuchEntity with IAM\'s message; malformed ARNs are InvalidInput', async () => {
  const missing = `arn:aws:iam::${h.accountId}:oidc-provider/nowhere.example.com`;
  await rejectsWith(h.iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: missing })), 'NoSuchEntity', `OpenIDConnect provider not found for arn ${missing}`, 404);
  await rejectsWith(h.iam.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: missing, Tags: [{ Key: 'a', Value: 'b' }] })), 'NoSuchEntity');
  await rejectsWith(h.iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: `arn:aws:iam::${h.accountId}:role/NotAProvider` })), 'InvalidInput');
  const otherAccount = 'arn:aws:iam::999999999999:oidc-provider/127.0.0.1:8443/idp';
  await rejectsWith(h.iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: otherAccount })), 'NoSuchEntity');
});

test('DeleteOpenIDConnectProvider removes it; a second delete is NoSuchEntity', async () => {
  await h.iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn }));
  await rejectsWith(h.iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn })), 'NoSuchEntity');
  const out = await h.iam.send(new ListOpenIDConnectProvidersCommand({}));
  assert.deepEqual(out.OpenIDConnectProviderList!.map((p) => p.Arn), [`${providerArn}/`]);
});

/**
 * Demo mode: registers the development identity providers with the demo tenant, idempotently,
 * through Tessera's own operations called as the account root (src/demo/tenant.ts rootCaller):
 *  - the development OpenID Provider as an IAM OIDC provider (URL = its issuer, ClientIDList = the
 *    development client id, ThumbprintList = the HTTPS listener's certificate thumbprint), its
 *    thumbprint and client id brought up to date when they changed;
 *  - the demo identity pool's SupportedLoginProviders (the five social keys with the stand-ins'
 *    app / client ids; Twitter `consumerKey;consumerSecret`) and OpenIdConnectProviderARNs,
 *    MERGED into what the pool has (every other field, e.g. SamlProviderARNs, is kept). An earlier
 *    development OP on another port is dropped from the pool's list.
 */
import type { DevIdps } from './index.js';

type Call = (service: 'iam' | 'cognito-identity' | 'cognito-idp', name: string, input: Record<string, unknown>) => Promise<any>;

export async function seedDevIdps(deps: {
  call: Call;
  accountId: string;
  identityPoolId: string;
  devIdps: DevIdps;
  /** The demo user pool and its app client: the development OP becomes an OIDC identity provider of the pool, offered by the client's managed login page. */
  userPool?: { userPoolId: string; clientId: string };
}): Promise<{ oidcProviderArn: string }> {
  const { call, devIdps } = deps;
  const arn = `arn:aws:iam::${deps.accountId}:oidc-provider/${devIdps.oidc.loginsKey}`;
  const listed = await call('iam', 'ListOpenIDConnectProviders', {});
  const arns = ((listed.OpenIDConnectProviderList ?? []) as Array<{ Arn: string }>).map((p) => p.Arn);
  if (!arns.includes(arn)) {
    await call('iam', 'CreateOpenIDConnectProvider', { Url: devIdps.oidc.issuer, ClientIDList: [devIdps.oidc.clientId], ThumbprintList: [devIdps.thumbprint] });
  } else {
    const got = await call('iam', 'GetOpenIDConnectProvider', { OpenIDConnectProviderArn: arn });
    const thumbprints = (got.ThumbprintList ?? []) as string[];
    if (thumbprints.length !== 1 || thumbprints[0]!.toLowerCase() !== devIdps.thumbprint) {
      await call('iam', 'UpdateOpenIDConnectProviderThumbprint', { OpenIDConnectProviderArn: arn, ThumbprintList: [devIdps.thumbprint] });
    }
    if (!((got.ClientIDList ?? []) as string[]).includes(devIdps.oidc.clientId)) {
      await call('iam', 'AddClientIDToOpenIDConnectProvider', { OpenIDConnectProviderArn: arn, ClientID: devIdps.oidc.clientId });
    }
  }

  const pool = await call('cognito-identity', 'DescribeIdentityPool', { IdentityPoolId: deps.identityPoolId });
  const supported: Record<string, string> = { ...(pool.SupportedLoginProviders ?? {}), ...devIdps.supportedLoginProviders };
  const staleDevOp = /:oidc-provider\/localhost:\d+\/oidc$/;
  const oidcArns = [...((pool.OpenIdConnectProviderARNs ?? []) as string[]).filter((a) => a === arn || !staleDevOp.test(a))];
  if (!oidcArns.includes(arn)) oidcArns.push(arn);
  const same =
    JSON.stringify(Object.entries(supported).sort()) === JSON.stringify(Object.entries(pool.SupportedLoginProviders ?? {}).sort()) &&
    JSON.stringify(oidcArns) === JSON.stringify(pool.OpenIdConnectProviderARNs ?? []);
  if (!same) {
    const input: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(pool as Record<string, unknown>)) if (v !== undefined && k !== 'ResponseMetadata') input[k] = v;
    await call('cognito-identity', 'UpdateIdentityPool', { ...input, SupportedLoginProviders: supported, OpenIdConnectProviderARNs: oidcArns });
  }
  if (deps.userPool) await seedUserPoolIdp(call, deps.userPool, devIdps);
  return { oidcProviderArn: arn };
}

/** The development OP as the demo user pool's OIDC identity provider, and on the demo client's managed login page. */
async function seedUserPoolIdp(call: Call, pool: { userPoolId: string; clientId: string }, devIdps: DevIdps): Promise<void> {
  const { providerName, details } = devIdps.userPoolIdp;
  const listed = await call('cognito-idp', 'ListIdentityProviders', { UserPoolId: pool.userPoolId, MaxResults: 60 });
  const exists = ((listed.Providers ?? []) as Array<{ ProviderName: string }>).some((p) => p.ProviderName === providerName);
  const attributes = { AttributeMapping: { email: 'email', name: 'name' } };
  if (!exists) {
    await call('cognito-idp', 'CreateIdentityProvider', { UserPoolId: pool.userPoolId, ProviderName: providerName, ProviderType: 'OIDC', ProviderDetails: { ...details }, ...attributes });
  } else {
    const got = await call('cognito-idp', 'DescribeIdentityProvider', { UserPoolId: pool.userPoolId, ProviderName: providerName });
    const current = (got.IdentityProvider?.ProviderDetails ?? {}) as Record<string, string>;
    if (Object.entries(details).some(([k, v]) => current[k] !== v)) {
      await call('cognito-idp', 'UpdateIdentityProvider', { UserPoolId: pool.userPoolId, ProviderName: providerName, ProviderDetails: { ...details }, ...attributes });
    }
  }
  const described = await call('cognito-idp', 'DescribeUserPoolClient', { UserPoolId: pool.userPoolId, ClientId: pool.clientId });
  const client = described.UserPoolClient as Record<string, unknown>;
  const supported = (client.SupportedIdentityProviders ?? []) as string[];
  if (!supported.includes(providerName)) {
    // UpdateUserPoolClient resets what it is not given (as AWS does): every setting is passed back.
    const { ClientSecret: _secret, CreationDate: _created, LastModifiedDate: _modified, ...settings } = client;
    await call('cognito-idp', 'UpdateUserPoolClient', { ...settings, SupportedIdentityProviders: [...supported, providerName] });
  }
}

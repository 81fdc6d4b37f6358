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

type Call = (service: 'iam' | 'cognito-identity', name: string, input: Record<string, unknown>) => Promise<any>;

export async function seedDevIdps(deps: { call: Call; accountId: string; identityPoolId: string; devIdps: DevIdps }): Promise<{ oidcProviderArn: string }> {
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
  return { oidcProviderArn: arn };
}

/**
 * The demo tenant (`tessera serve --demo`), created idempotently through Tessera's own AWS
 * operations called as the account root, the same handlers the API serves: a user pool with a
 * demo user, an app client and a domain for the managed login page; an identity pool with guest
 * access, the basic (classic) flow and the developer provider; readable roles (guest,
 * authenticated, and one per per-identity data pattern). A second start finds each part by name
 * and keeps it, so ids, users and sessions survive restarts.
 *
 * The demo user's password is fixed and shown on the demo page: the demo exists only on a
 * loopback listener (src/config refuses --demo with another host).
 */
import type { Logger } from 'pino';
import { ServiceError } from '../errors/index.js';
import type { Principal } from '../credentials/principal.js';
import type { Operation, OperationContext } from '../wire/operation.js';

export const DEMO_USER_POOL_NAME = 'tessera-demo';
export const DEMO_CLIENT_NAME = 'tessera-demo-web';
export const DEMO_DOMAIN = 'tessera-demo';
export const DEMO_IDENTITY_POOL_NAME = 'TesseraDemo';
export const DEMO_DEVELOPER_PROVIDER = 'login.tessera.demo';
export const DEMO_USERNAME = 'demo';
/** Shown on the demo page; meets the default password policy. */
export const DEMO_PASSWORD = 'Demo-Passw0rd!';
export const DEMO_BUCKET = 'tessera-demo';
export const DEMO_TABLE = 'tessera-demo';

export interface DemoRole {
  readonly name: string;
  readonly arn: string;
  readonly description: string;
}

export interface DemoTenant {
  readonly userPoolId: string;
  readonly clientId: string;
  readonly domain: string;
  readonly username: string;
  readonly password: string;
  readonly identityPoolId: string;
  readonly developerProviderName: string;
  /** The user pool's provider name in identity-pool Logins (`cognito-idp.<region>.amazonaws.com/<pool id>`). */
  readonly userPoolProviderName: string;
  readonly roles: { readonly guest: DemoRole; readonly authenticated: DemoRole; readonly patterns: readonly DemoRole[] };
  readonly bucket: string;
  readonly table: string;
}

export interface SeedDeps {
  operations: readonly Operation[];
  accountId: string;
  region: string;
  publicUrl: string;
  clock: () => Date;
  log: Logger;
  /** Run after the tenant exists, as the account root (the development IdPs' parts: providers, pool trust, role trust). */
  seeders?: ReadonlyArray<(call: RootCall, tenant: DemoTenant) => Promise<void>>;
}

export type RootCall = Call;
type Call = (service: Operation['service'], name: string, input: Record<string, unknown>) => Promise<any>;

/** Calls Tessera's own operations as the account root (the demo's seeding and its developer backend). */
export function rootCaller(deps: SeedDeps): Call {
  const byName = new Map(deps.operations.map((op) => [`${op.service}:${op.name}`, op]));
  const principal: Principal = {
    kind: 'root',
    accountId: deps.accountId,
    arn: `arn:aws:iam::${deps.accountId}:root`,
    userId: deps.accountId,
    accessKeyId: 'demo-seed',
  };
  return async (service, name, input) => {
    const op = byName.get(`${service}:${name}`);
    if (!op) throw new Error(`demo: operation ${service}:${name} is not served`);
    const now = deps.clock();
    const ctx: OperationContext = {
      requestId: `demo-seed-${name}`,
      principal,
      now,
      sourceIp: '127.0.0.1',
      region: deps.region,
      accountId: deps.accountId,
      log: deps.log,
      requestContext: { 'aws:CurrentTime': now.toISOString(), 'aws:SourceIp': '127.0.0.1', 'aws:SecureTransport': 'false', 'aws:RequestedRegion': deps.region },
    };
    return op.handler(input, ctx);
  };
}

const json = (v: unknown) => JSON.stringify(v, null, 2);

function cognitoTrust(poolId: string, amr: 'authenticated' | 'unauthenticated'): string {
  return json({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'],
        Condition: {
          StringEquals: { 'cognito-identity.amazonaws.com:aud': poolId },
          'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': amr },
        },
      },
    ],
  });
}

const SUB = '${cognito-identity.amazonaws.com:sub}';

/** The roles and their permissions: what each demo flow can and cannot do with the data. */
function roleSpecs(accountId: string, region: string): Array<{ key: string; name: string; amr: 'authenticated' | 'unauthenticated'; description: string; policy: unknown }> {
  const bucket = `arn:aws:s3:::${DEMO_BUCKET}`;
  const table = `arn:aws:dynamodb:${region}:${accountId}:table/${DEMO_TABLE}`;
  return [
    {
      key: 'guest',
      name: 'tessera-demo-guest',
      amr: 'unauthenticated',
      description: 'Demo guest role: may list the public/ prefix of the demo bucket and read it; nothing else.',
      policy: {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'ListPublicPrefix', Effect: 'Allow', Action: 's3:ListBucket', Resource: bucket, Condition: { StringLike: { 's3:prefix': ['public/', 'public/*'] } } },
          { Sid: 'ReadPublicObjects', Effect: 'Allow', Action: 's3:GetObject', Resource: `${bucket}/public/*` },
        ],
      },
    },
    {
      key: 'authenticated',
      name: 'tessera-demo-authenticated',
      amr: 'authenticated',
      description: 'Demo authenticated role: lists the demo bucket, reads public/ and its own private/<identity id>/ prefix, scans the demo table; writes nothing.',
      policy: {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'ListBucket', Effect: 'Allow', Action: 's3:ListBucket', Resource: bucket },
          { Sid: 'ReadPublicAndOwnObjects', Effect: 'Allow', Action: 's3:GetObject', Resource: [`${bucket}/public/*`, `${bucket}/private/${SUB}/*`] },
          { Sid: 'ReadTable', Effect: 'Allow', Action: ['dynamodb:Scan', 'dynamodb:Query', 'dynamodb:GetItem'], Resource: table },
        ],
      },
    },
    {
      key: 'own-prefix',
      name: 'tessera-demo-own-prefix',
      amr: 'authenticated',
      description: 'Per-identity S3 prefix: each identity lists, reads and writes only private/<its identity id>/.',
      policy: {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'ListOwnPrefix', Effect: 'Allow', Action: 's3:ListBucket', Resource: bucket, Condition: { StringLike: { 's3:prefix': [`private/${SUB}/`, `private/${SUB}/*`] } } },
          { Sid: 'ReadWriteOwnObjects', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: `${bucket}/private/${SUB}/*` },
        ],
      },
    },
    {
      key: 'own-items',
      name: 'tessera-demo-own-items',
      amr: 'authenticated',
      description: 'Per-identity DynamoDB items: each identity queries and writes only the items whose partition key is its identity id.',
      policy: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'OwnItemsOnly',
            Effect: 'Allow',
            Action: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem'],
            Resource: table,
            Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [SUB] } },
          },
        ],
      },
    },
  ];
}

async function ensureRole(call: Call, spec: ReturnType<typeof roleSpecs>[number], poolId: string): Promise<DemoRole> {
  let arn: string;
  try {
    const got = await call('iam', 'GetRole', { RoleName: spec.name });
    arn = got.Role.Arn;
    // The trust policy follows the pool (it is recreated when the pool was deleted by hand).
    await call('iam', 'UpdateAssumeRolePolicy', { RoleName: spec.name, PolicyDocument: cognitoTrust(poolId, spec.amr) });
  } catch (err) {
    if (!(err instanceof ServiceError) || err.code !== 'NoSuchEntity') throw err;
    const created = await call('iam', 'CreateRole', {
      RoleName: spec.name,
      Description: spec.description,
      AssumeRolePolicyDocument: cognitoTrust(poolId, spec.amr),
      MaxSessionDuration: 3600,
    });
    arn = created.Role.Arn;
  }
  await call('iam', 'PutRolePolicy', { RoleName: spec.name, PolicyName: 'demo-data', PolicyDocument: json(spec.policy) });
  return { name: spec.name, arn, description: spec.description };
}

/** Creates what is missing of the demo tenant and returns where everything is. */
export async function seedDemoTenant(deps: SeedDeps): Promise<DemoTenant> {
  const call = rootCaller(deps);

  // ---- user pool, app client, domain, demo user -------------------------------------------------
  const pools = await call('cognito-idp', 'ListUserPools', { MaxResults: 60 });
  let userPoolId: string | undefined = (pools.UserPools as Array<{ Id: string; Name: string }>).find((p) => p.Name === DEMO_USER_POOL_NAME)?.Id;
  if (!userPoolId) {
    const created = await call('cognito-idp', 'CreateUserPool', {
      PoolName: DEMO_USER_POOL_NAME,
      AutoVerifiedAttributes: ['email'],
    });
    userPoolId = created.UserPool.Id as string;
  }
  const clients = await call('cognito-idp', 'ListUserPoolClients', { UserPoolId: userPoolId, MaxResults: 60 });
  let clientId: string | undefined = (clients.UserPoolClients as Array<{ ClientId: string; ClientName: string }>).find((c) => c.ClientName === DEMO_CLIENT_NAME)?.ClientId;
  const callbacks = [`${deps.publicUrl}/`, `${deps.publicUrl}/demo/callback`];
  const clientSettings = {
    ClientName: DEMO_CLIENT_NAME,
    ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    AllowedOAuthFlows: ['code'],
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthScopes: ['openid', 'email', 'profile'],
    CallbackURLs: callbacks,
    LogoutURLs: [`${deps.publicUrl}/`],
    SupportedIdentityProviders: ['COGNITO'],
  };
  if (!clientId) {
    const created = await call('cognito-idp', 'CreateUserPoolClient', { UserPoolId: userPoolId, ...clientSettings });
    clientId = created.UserPoolClient.ClientId as string;
  }
  const domain = await call('cognito-idp', 'DescribeUserPoolDomain', { Domain: DEMO_DOMAIN });
  if (!domain.DomainDescription?.UserPoolId) {
    await call('cognito-idp', 'CreateUserPoolDomain', { Domain: DEMO_DOMAIN, UserPoolId: userPoolId });
  }
  try {
    await call('cognito-idp', 'AdminGetUser', { UserPoolId: userPoolId, Username: DEMO_USERNAME });
  } catch (err) {
    if (!(err instanceof ServiceError) || err.code !== 'UserNotFoundException') throw err;
    await call('cognito-idp', 'AdminCreateUser', {
      UserPoolId: userPoolId,
      Username: DEMO_USERNAME,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: 'demo@example.com' },
        { Name: 'email_verified', Value: 'true' },
      ],
    });
    await call('cognito-idp', 'AdminSetUserPassword', { UserPoolId: userPoolId, Username: DEMO_USERNAME, Password: DEMO_PASSWORD, Permanent: true });
  }
  const userPoolProviderName = `cognito-idp.${deps.region}.amazonaws.com/${userPoolId}`;

  // ---- identity pool --------------------------------------------------------------------------
  const idPools = await call('cognito-identity', 'ListIdentityPools', { MaxResults: 60 });
  let identityPoolId: string | undefined = (idPools.IdentityPools as Array<{ IdentityPoolId: string; IdentityPoolName: string }>).find(
    (p) => p.IdentityPoolName === DEMO_IDENTITY_POOL_NAME,
  )?.IdentityPoolId;
  if (!identityPoolId) {
    const created = await call('cognito-identity', 'CreateIdentityPool', {
      IdentityPoolName: DEMO_IDENTITY_POOL_NAME,
      AllowUnauthenticatedIdentities: true,
      AllowClassicFlow: true,
      DeveloperProviderName: DEMO_DEVELOPER_PROVIDER,
      CognitoIdentityProviders: [{ ProviderName: userPoolProviderName, ClientId: clientId, ServerSideTokenCheck: false }],
    });
    identityPoolId = created.IdentityPoolId as string;
  }

  // ---- roles --------------------------------------------------------------------------------
  const specs = roleSpecs(deps.accountId, deps.region);
  const roles: DemoRole[] = [];
  for (const spec of specs) roles.push(await ensureRole(call, spec, identityPoolId));
  const [guest, authenticated, ...patterns] = roles as [DemoRole, DemoRole, ...DemoRole[]];
  await call('cognito-identity', 'SetIdentityPoolRoles', {
    IdentityPoolId: identityPoolId,
    Roles: { unauthenticated: guest.arn, authenticated: authenticated.arn },
  });

  const tenant: DemoTenant = Object.freeze({
    userPoolId,
    clientId,
    domain: DEMO_DOMAIN,
    username: DEMO_USERNAME,
    password: DEMO_PASSWORD,
    identityPoolId,
    developerProviderName: DEMO_DEVELOPER_PROVIDER,
    userPoolProviderName,
    roles: Object.freeze({ guest, authenticated, patterns: Object.freeze(patterns) }),
    bucket: DEMO_BUCKET,
    table: DEMO_TABLE,
  });
  for (const seed of deps.seeders ?? []) await seed(call, tenant);
  return tenant;
}

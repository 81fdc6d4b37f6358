/**
 * What every workload needs on a server, created through the AWS SDK for JavaScript v3 exactly as
 * a user would: the upstream issuer registered as an IAM OIDC provider pinned by its root CA
 * thumbprint, an identity pool trusting it with authenticated and guest roles, a role for
 * AssumeRoleWithWebIdentity, and a user pool with one confirmed user for InitiateAuth.
 * The same calls run against moto_server; steps moto does not implement are skipped there.
 */
import { CognitoIdentityClient, CreateIdentityPoolCommand, GetIdCommand, SetIdentityPoolRolesCommand } from '@aws-sdk/client-cognito-identity';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';

export const CLIENT_ID = 'bench-app';
export const REGION = 'us-east-1';
const USER = { username: 'bench-user', password: 'Bench-Passw0rd!x' };

function cognitoTrust(poolId, amr) {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': poolId }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': amr } },
      },
    ],
  });
}

function webTrust(providerArn, providerKey) {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: providerArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${providerKey}:aud`]: CLIENT_ID } },
      },
    ],
  });
}

const READ_ONLY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: '*' }] });

/**
 * @param {{ url: string, credentials: {accessKeyId: string, secretAccessKey: string}, issuer: any, lenient?: boolean }} o
 *   lenient: tolerate operations the server does not implement (moto).
 */
export async function setupFixture({ url, credentials, issuer, lenient = false }) {
  const common = { endpoint: url, region: REGION, credentials, maxAttempts: 1 };
  const iam = new IAMClient(common);
  const ci = new CognitoIdentityClient(common);
  const idp = new CognitoIdentityProviderClient(common);
  const sts = new STSClient(common);
  const optional = async (step, fn) => {
    try {
      return await fn();
    } catch (err) {
      if (!lenient) throw new Error(`${step}: ${err.name}: ${err.message}`);
      return undefined;
    }
  };
  try {
    const providerKey = issuer.url.slice('https://'.length);
    const provider = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer.url, ClientIDList: [CLIENT_ID], ThumbprintList: [issuer.thumbprint] }));
    const providerArn = provider.OpenIDConnectProviderArn;
    const pool = await ci.send(
      new CreateIdentityPoolCommand({ IdentityPoolName: 'bench', AllowUnauthenticatedIdentities: true, OpenIdConnectProviderARNs: [providerArn] }),
    );
    const poolId = pool.IdentityPoolId;
    const role = async (name, trust) => {
      const out = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust }));
      await optional('PutRolePolicy', () => iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'read', PolicyDocument: READ_ONLY })));
      return out.Role.Arn;
    };
    const authRole = await role('bench-auth', cognitoTrust(poolId, 'authenticated'));
    const guestRole = await role('bench-guest', cognitoTrust(poolId, 'unauthenticated'));
    const webRole = await role('bench-web', webTrust(providerArn, providerKey));
    await optional('SetIdentityPoolRoles', () => ci.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles: { authenticated: authRole, unauthenticated: guestRole } })));

    const userPool = await setupUserPool(idp);
    return { poolId, providerArn, providerKey, authRole, guestRole, webRole, userPool };
  } finally {
    iam.destroy();
    ci.destroy();
    idp.destroy();
    sts.destroy();
  }
}

/** A user pool with a client allowing USER_PASSWORD_AUTH and one confirmed user; { unavailable } if the server lacks it. */
async function setupUserPool(idp) {
  try {
    const pool = await idp.send(new CreateUserPoolCommand({ PoolName: 'bench-users' }));
    const poolId = pool.UserPool.Id;
    const client = await idp.send(
      new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'bench', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
    );
    await idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: USER.username, MessageAction: 'SUPPRESS' }));
    await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: USER.username, Password: USER.password, Permanent: true }));
    return { poolId, clientId: client.UserPoolClient.ClientId, ...USER };
  } catch (err) {
    return { unavailable: `${err.name}: ${String(err.message).slice(0, 160)}` };
  }
}

/** An identity for `subject` through GetId (used for moto, whose store cannot be seeded directly). */
export async function getIdFor({ url, credentials, poolId, providerKey, token }) {
  const ci = new CognitoIdentityClient({ endpoint: url, region: REGION, credentials, maxAttempts: 1 });
  try {
    const out = await ci.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [providerKey]: token } }));
    return out.IdentityId;
  } finally {
    ci.destroy();
  }
}

/** Temporary credentials from AssumeRoleWithWebIdentity (what GetCallerIdentity is signed with). */
export async function vendCredentials({ url, credentials, roleArn, token }) {
  const sts = new STSClient({ endpoint: url, region: REGION, credentials, maxAttempts: 1 });
  try {
    const out = await sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'bench', WebIdentityToken: token }));
    const c = out.Credentials;
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
  } finally {
    sts.destroy();
  }
}


/** Shared fixture for the Cognito Identity protocol tests: server, issuer, clients, roles. */
import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { startIssuer, type TestIssuer } from '../../helpers/issuer.js';
import type { TestServer } from '../../helpers/server.js';
import { startCognitoServer, type Options } from './server.js';

export interface Fixture {
  server: TestServer;
  issuer: TestIssuer;
  /** Signed with the root credentials (admin operations). */
  admin: CognitoIdentityClient;
  /** Anonymous: the SDK sends GetId & co. unsigned. */
  pub: CognitoIdentityClient;
  iam: IAMClient;
  providerArn: string;
  /** The Logins key of the issuer: its URL without https://. */
  providerKey: string;
  token(sub: string, claims?: Record<string, unknown>): string;
  close(): Promise<void>;
}

export async function fixture(options: Options = {}): Promise<Fixture> {
  const issuer = await startIssuer();
  const server = await startCognitoServer(options);
  const common = { endpoint: server.url, region: server.region };
  const admin = new CognitoIdentityClient({ ...common, credentials: server.rootCredentials });
  const pub = new CognitoIdentityClient({ ...common, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } });
  const iam = new IAMClient({ ...common, credentials: server.rootCredentials });
  const created = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer.url, ClientIDList: ['my-app'], ThumbprintList: [issuer.thumbprint] }));
  return {
    server,
    issuer,
    admin,
    pub,
    iam,
    providerArn: created.OpenIDConnectProviderArn!,
    providerKey: issuer.url.slice('https://'.length),
    token: (sub, claims = {}) => issuer.sign(issuer.claims({ sub, aud: 'my-app', ...claims })),
    async close() {
      admin.destroy();
      pub.destroy();
      iam.destroy();
      await server.close();
      await issuer.close();
    },
  };
}

/** A role trusting cognito-identity.amazonaws.com for `poolId` and amr `amr`, allowed `actions`. */
export async function cognitoRole(f: Fixture, name: string, poolId: string, amr: 'authenticated' | 'unauthenticated', actions: string[], extraTrustActions: string[] = []): Promise<string> {
  const out = await f.iam.send(
    new CreateRoleCommand({
      RoleName: name,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Federated: 'cognito-identity.amazonaws.com' },
            Action: ['sts:AssumeRoleWithWebIdentity', ...extraTrustActions],
            Condition: {
              StringEquals: { 'cognito-identity.amazonaws.com:aud': poolId },
              'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': amr },
            },
          },
        ],
      }),
    }),
  );
  if (actions.length) {
    await f.iam.send(
      new PutRolePolicyCommand({
        RoleName: name,
        PolicyName: 'allowed',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] }),
      }),
    );
  }
  return out.Role!.Arn!;
}

/** Asserts an SDK error by name (and message when given); returns true for assert.rejects. */
export function awsError(name: string, message?: string | RegExp) {
  return (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
    if (e.name !== name) throw new Error(`expected ${name}, got ${e.name}: ${e.message}`);
    if (typeof message === 'string' && e.message !== message) throw new Error(`expected message ${JSON.stringify(message)}, got ${JSON.stringify(e.message)}`);
    if (message instanceof RegExp && !message.test(e.message)) throw new Error(`message ${JSON.stringify(e.message)} does not match ${message}`);
    if ((e.$metadata?.httpStatusCode ?? 0) >= 500) throw new Error(`5xx for ${name}`);
    return true;
  };
}

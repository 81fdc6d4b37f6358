/**
 * The hosted-endpoint tests' server: a real Tessera from the composition root (startTestServer
 * → createTessera) on a free loopback port whose URL is also the public URL, so the issuers,
 * discovery documents and redirects it produces are the ones browsers and relying parties
 * reach. Pools, app clients, domains, identity providers and users are created through the
 * cognito-idp API with the unmodified SDK and the root credentials, as an operator would.
 */
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateIdentityProviderCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  type CreateUserPoolClientCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../../helpers/server.js';

export const APP_CALLBACK = 'https://app.example.com/callback';
export const APP_LOGOUT = 'https://app.example.com/signed-out';

/** An app client as CreateUserPoolClient returned it. */
export interface AppClient {
  clientId: string;
  clientSecret?: string;
}

/** A user as AdminGetUser describes it. */
export interface DescribedUser {
  status: string;
  attributes: Record<string, string>;
}

export type ClientSettings = Omit<Partial<CreateUserPoolClientCommandInput>, 'UserPoolId'>;

export interface HostedServer {
  url: string;
  server: TestServer;
  /** The cognito-idp client (root credentials) the set-up calls go through. */
  idp: CognitoIdentityProviderClient;
  /** The pool's token issuer, `<public URL>/<userPoolId>` (aws-surface.md §7.4). */
  issuer(userPoolId: string): string;
  close(): Promise<void>;
  createPool(name?: string): Promise<{ id: string }>;
  createDomain(userPoolId: string, domain: string): Promise<void>;
  createClient(userPoolId: string, settings?: ClientSettings): Promise<AppClient>;
  createUser(userPoolId: string, username: string, password: string, options?: { attributes?: Record<string, string>; status?: 'CONFIRMED' | 'FORCE_CHANGE_PASSWORD' }): Promise<void>;
  createOidcProvider(userPoolId: string, input: { name: string; issuer: string; clientId: string; clientSecret: string; attributeMapping?: Record<string, string>; method?: 'GET' | 'POST'; identifiers?: string[] }): Promise<void>;
  /** AdminGetUser; undefined for UserNotFoundException. */
  describeUser(userPoolId: string, username: string): Promise<DescribedUser | undefined>;
}

export async function startHostedServer(options: { clock?: () => Date } = {}): Promise<HostedServer> {
  const server = await startTestServer(options.clock ? { clock: options.clock } : {});
  const idp = new CognitoIdentityProviderClient({ endpoint: server.url, region: server.region, credentials: server.rootCredentials, maxAttempts: 1 });
  const publicUrl = server.tessera.config.publicUrl;

  return {
    url: publicUrl,
    server,
    idp,
    issuer: (userPoolId) => `${publicUrl}/${userPoolId}`,
    async close() {
      idp.destroy();
      await server.close();
    },
    async createPool(name = 'pool') {
      return { id: (await idp.send(new CreateUserPoolCommand({ PoolName: name }))).UserPool!.Id! };
    },
    async createDomain(userPoolId, domain) {
      await idp.send(new CreateUserPoolDomainCommand({ UserPoolId: userPoolId, Domain: domain }));
    },
    async createClient(userPoolId, settings = {}) {
      const created = await idp.send(
        new CreateUserPoolClientCommand({
          ClientName: 'web',
          CallbackURLs: [APP_CALLBACK],
          LogoutURLs: [APP_LOGOUT],
          AllowedOAuthFlows: ['code', 'implicit'],
          AllowedOAuthScopes: ['openid', 'email', 'profile'],
          AllowedOAuthFlowsUserPoolClient: true,
          SupportedIdentityProviders: ['COGNITO'],
          ...settings,
          UserPoolId: userPoolId,
        }),
      );
      const client = created.UserPoolClient!;
      return { clientId: client.ClientId!, ...(client.ClientSecret ? { clientSecret: client.ClientSecret } : {}) };
    },
    async createUser(userPoolId, username, password, opts = {}) {
      const UserAttributes = Object.entries(opts.attributes ?? {}).map(([Name, Value]) => ({ Name, Value }));
      if (opts.status === 'FORCE_CHANGE_PASSWORD') {
        await idp.send(new AdminCreateUserCommand({ UserPoolId: userPoolId, Username: username, TemporaryPassword: password, MessageAction: 'SUPPRESS', UserAttributes }));
        return;
      }
      await idp.send(new AdminCreateUserCommand({ UserPoolId: userPoolId, Username: username, MessageAction: 'SUPPRESS', UserAttributes }));
      await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: username, Password: password, Permanent: true }));
    },
    async createOidcProvider(userPoolId, input) {
      await idp.send(
        new CreateIdentityProviderCommand({
          UserPoolId: userPoolId,
          ProviderName: input.name,
          ProviderType: 'OIDC',
          ProviderDetails: {
            client_id: input.clientId,
            client_secret: input.clientSecret,
            authorize_scopes: 'openid email profile',
            oidc_issuer: input.issuer,
            attributes_request_method: input.method ?? 'GET',
          },
          AttributeMapping: input.attributeMapping ?? { username: 'sub', email: 'email' },
          ...(input.identifiers ? { IdpIdentifiers: input.identifiers } : {}),
        }),
      );
    },
    async describeUser(userPoolId, username) {
      try {
        const user = await idp.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
        return { status: user.UserStatus!, attributes: Object.fromEntries((user.UserAttributes ?? []).map((a) => [a.Name!, a.Value ?? ''])) };
      } catch (err) {
        if ((err as Error).name === 'UserNotFoundException') return undefined;
        throw err;
      }
    },
  };
}

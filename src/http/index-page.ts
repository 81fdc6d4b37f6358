/**
 * The page at `/`: tells a newcomer what is running and what to try next. Plain HTML, no
 * scripts, everything escaped. The secret key is never shown here (it is printed once on the
 * console when generated, and kept in the data dir).
 */
import type { Config } from '../config/index.js';
import type { DemoInfo, RootCredentials } from '../app.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Demo mode: what the demo tenant is and how to use it (the interactive demo page is not built yet). */
function demoSection(config: Config, demo: DemoInfo & { gatewayUrl: string | undefined }): string {
  const t = demo.tenant;
  const signIn = `${config.publicUrl}/auth/${t.domain}/login?client_id=${encodeURIComponent(t.clientId)}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(`${config.publicUrl}/`)}`;
  const roles = [t.roles.guest, t.roles.authenticated, ...t.roles.patterns];
  return `<section aria-labelledby="demo-h">
<h2 id="demo-h">Demo mode <small>(development only)</small></h2>
<p>This server was started with <code>--demo</code>: the demo tenant below exists on it, with a fixed password meant to be shown.
Everything here is for trying Tessera on this machine, never for production.</p>
<table>
<tr><th>Identity pool</th><td><code>${esc(t.identityPoolId)}</code> — guest access and the basic (classic) flow on; developer provider <code>${esc(t.developerProviderName)}</code></td></tr>
<tr><th>User pool</th><td><code>${esc(t.userPoolId)}</code>, app client <code>${esc(t.clientId)}</code>, domain <code>${esc(t.domain)}</code></td></tr>
<tr><th>Demo user</th><td>username <code>${esc(t.username)}</code>, password <code>${esc(t.password)}</code> — <a href="${esc(signIn)}">sign in on the managed login page</a></td></tr>
<tr><th>Roles</th><td><ul>${roles.map((r) => `<li><code>${esc(r.name)}</code>: ${esc(r.description)}</li>`).join('')}</ul></td></tr>
<tr><th>Data</th><td>${
    demo.gatewayUrl && !demo.storesProblem
      ? `SigV4 gateway <code>${esc(demo.gatewayUrl)}</code> in front of a local S3/DynamoDB-compatible store: bucket <code>${esc(t.bucket)}</code>, table <code>${esc(t.table)}</code>`
      : `unavailable: ${esc(demo.storesProblem ?? 'no gateway')}`
  }</td></tr>
</table>
<pre>${esc(`aws cognito-identity get-id --identity-pool-id ${t.identityPoolId} --no-sign-request
aws cognito-identity get-credentials-for-identity --identity-id <IdentityId from get-id> --no-sign-request`)}</pre>
</section>`;
}

export function renderIndexPage(config: Config, root: RootCredentials, demo?: DemoInfo & { gatewayUrl: string | undefined }): string {
  const endpoint = config.publicUrl;
  const secretHint =
    root.source === 'env'
      ? 'from TESSERA_ROOT_SECRET_ACCESS_KEY'
      : `in ${esc(config.dataDir)}/root-credentials.json (printed once, when it was generated)`;
  const envBlock = [
    `export AWS_ENDPOINT_URL=${endpoint}`,
    `export AWS_ACCESS_KEY_ID=${root.accessKeyId}`,
    `export AWS_SECRET_ACCESS_KEY=…   # ${root.source === 'env' ? 'the value of TESSERA_ROOT_SECRET_ACCESS_KEY' : 'see root-credentials.json in the data dir'}`,
    // AWS CLI v1 and boto3 read only AWS_DEFAULT_REGION; the JavaScript SDK only AWS_REGION.
    `export AWS_DEFAULT_REGION=${config.region} AWS_REGION=${config.region}`,
  ].join('\n');
  const tries = [
    'aws sts get-caller-identity',
    'aws iam create-open-id-connect-provider --url https://idp.example.test --client-id-list my-app --thumbprint-list 0123456789abcdef0123456789abcdef01234567',
    `aws iam create-role --role-name app-user --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::${config.accountId}:oidc-provider/idp.example.test"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"idp.example.test:aud":"my-app"}}}]}'`,
    'aws iam put-role-policy --role-name app-user --policy-name read-roles --policy-document \'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetRole","Resource":"*"}]}\'',
    'aws sts assume-role-with-web-identity --role-arn arn:aws:iam::' + config.accountId + ':role/app-user --role-session-name me --web-identity-token "$ID_TOKEN"',
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tessera</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
code,pre{font-family:ui-monospace,monospace;font-size:.9em}pre{background:#f3f4f6;padding:.75rem;overflow-x:auto;border-radius:6px}
table{border-collapse:collapse}td,th{padding:.25rem .75rem;border-bottom:1px solid #e5e7eb;text-align:left}
.ok{color:#047857}
</style></head>
<body>
<nav aria-label="Pages"><a href="/">Home</a> · <a href="/doctor">Token doctor</a> · <a href="/console">Console</a></nav>
<h1>Tessera is running</h1>
<p>Tessera turns sign-ins from identity providers into short-lived, narrowly scoped AWS-style credentials, and
speaks the AWS wire protocols, so the unmodified AWS SDKs, the AWS CLI and boto3 work against it with nothing changed but the endpoint.</p>
${demo ? demoSection(config, demo) : ''}
<table>
<tr><th>AWS endpoint</th><td><code>POST ${esc(endpoint)}/</code> (every service on one listener)</td></tr>
<tr><th>Health</th><td><a href="/health"><code>/health</code></a></td></tr>
<tr><th>Region / account</th><td><code>${esc(config.region)}</code> / <code>${esc(config.accountId)}</code></td></tr>
<tr><th>Root access key id</th><td><code>${esc(root.accessKeyId)}</code> — secret ${secretHint}</td></tr>
<tr><th>Storage</th><td>${config.databaseUrl ? 'PostgreSQL' : `SQLite in <code>${esc(config.dataDir)}</code>`}</td></tr>
</table>
<h2>Services</h2>
<table>
<tr><td class="ok">ready</td><td><b>IAM</b> — OIDC and SAML providers, roles, inline and managed policies, users and groups with access keys</td></tr>
<tr><td class="ok">ready</td><td><b>STS</b> — AssumeRoleWithWebIdentity (real JWKS validation), AssumeRoleWithSAML, AssumeRole, GetSessionToken, GetCallerIdentity</td></tr>
<tr><td class="ok">ready</td><td><b>Cognito Identity</b> — identity pools: guest, authenticated (IAM OIDC providers) and developer identities, enhanced and basic flows, role mapping</td></tr>
<tr><td class="ok">ready</td><td><b>Cognito user pools</b> — users, groups, SRP and password sign-in, and each pool's hosted OAuth 2.0 / OpenID Connect sign-in (<code>/auth/&lt;domain&gt;/oauth2/authorize</code>) with federation to upstream OpenID Providers</td></tr>
<tr><td class="ok">ready</td><td><b>Social sign-in</b> — Google, Apple, Facebook, Login with Amazon, Twitter</td></tr>
<tr><td class="ok">ready</td><td><b>Token doctor</b> at <a href="/doctor"><code>/doctor</code></a> (and <code>tessera doctor</code>) and the <b>console</b> at <a href="/console"><code>/console</code></a>; the interactive demo at <code>/</code> with <code>tessera serve --demo</code> (<code>npm start</code>)</td></tr>
<tr><td class="ok">ready</td><td><b>SAML 2.0</b> — AssumeRoleWithSAML, identity-pool SAML logins, user-pool federation of SAML IdPs</td></tr>
<tr><td class="ok">ready</td><td><b>SigV4 gateway</b> — S3, DynamoDB and HTTP APIs behind Tessera's credentials and policies (<code>--gateway-port</code>)</td></tr>
</table>
<h2>Try it with the AWS CLI</h2>
<pre>${esc(envBlock)}</pre>
<pre>${tries.map(esc).join('\n\n')}</pre>
<p>Credentials returned by STS are checked by Tessera's own SigV4 verifier and IAM policy engine: a role allowed only
<code>iam:GetRole</code> can call GetRole, and ListRoles is <code>AccessDenied</code>, exactly as on AWS.</p>
<h2>Identity pools</h2>
<p>Tessera's own OpenID tokens (GetOpenIdToken) are issued by <code>${esc(config.publicUrl)}</code>; discovery is at
<a href="/.well-known/openid-configuration"><code>/.well-known/openid-configuration</code></a>. Trust policies written for AWS
(<code>"Federated": "cognito-identity.amazonaws.com"</code> with <code>cognito-identity.amazonaws.com:aud</code>) work unchanged.</p>
<pre>${esc(`aws cognito-identity create-identity-pool --identity-pool-name demo --allow-unauthenticated-identities
aws cognito-identity set-identity-pool-roles --identity-pool-id <pool id> --roles unauthenticated=<ARN of a role trusting cognito-identity.amazonaws.com>
aws cognito-identity get-id --identity-pool-id <pool id>
aws cognito-identity get-credentials-for-identity --identity-id <identity id>`)}</pre>
<h2>From code</h2>
<pre>${esc(`import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
const sts = new STSClient({ endpoint: '${endpoint}', region: '${config.region}' });
console.log(await sts.send(new GetCallerIdentityCommand({})));`)}</pre>
<pre>${esc(`import boto3
iam = boto3.client('iam', endpoint_url='${endpoint}', region_name='${config.region}')
print(iam.list_roles()['Roles'])`)}</pre>
</body></html>
`;
}

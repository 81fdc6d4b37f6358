/**
 * `tessera doctor (--identity-pool <id> | --role-arn <arn> [--saml] | --user-pool-client
 * <poolId>:<clientId>) --token <file|-> [--endpoint URL] [--json] …`: asks a running Tessera
 * (default http://localhost:4590) whether the token would be accepted by that target
 * (GetCredentialsForIdentity, AssumeRoleWithWebIdentity / AssumeRoleWithSAML, the app client),
 * and prints each check. Signed with
 * SigV4 (service `tessera`) with the credentials of the usual AWS environment variables
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN; region AWS_REGION or
 * AWS_DEFAULT_REGION, default us-east-1). Exit status: 0 accepted, 1 refused, 2 usage or the
 * server could not be asked. The token is read from a file or standard input, never from the
 * command line (where other users and shell history would see it).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { signRequest } from '../sigv4/index.js';
import type { DoctorReport } from '../services/cognito-identity/index.js';
import type { RoleDoctorReport } from '../services/sts/index.js';
import type { UserPoolClientDoctorReport } from '../services/cognito-idp/index.js';

type AnyReport = DoctorReport | RoleDoctorReport | UserPoolClientDoctorReport;

export const DOCTOR_USAGE = `Usage: tessera doctor <target> --token <file|-> [options]

Explains, check by check, whether a running Tessera would accept the token, and why not.
Exactly one target:
  --identity-pool <id>        as a Logins entry of the identity pool (GetCredentialsForIdentity):
                              the token, the role mapping rule and the trust-policy statement
  --role-arn <arn>            for the role (AssumeRoleWithWebIdentity, or AssumeRoleWithSAML with
                              --saml): the token, the provider and the trust-policy statement
  --user-pool-client <poolId>:<clientId>
                              as an ID or access token for that user-pool app client

Options:
  --token <file|->        file holding the token (a JWT, a SAML response or a provider access
                          token); - = stdin
  --endpoint <url>        Tessera to ask, default http://localhost:4590   [TESSERA_ENDPOINT]
  --login-key <key>       identity pool: the Logins key (default: told from the token)
  --custom-role-arn <arn> identity pool: as GetCredentialsForIdentity's CustomRoleArn
  --saml                  role: the token is a base64 SAMLResponse (default: told from the token)
  --principal-arn <arn>   role, SAML: the SAML provider (default: from the Role attribute)
  --provider-id <id>      role: graph.facebook.com or www.amazon.com for their access tokens
  --role-session-name <n> role, web identity: the RoleSessionName (default tessera-doctor)
  --json                  print the report as JSON
Signed with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN), region AWS_REGION.
Exit status: 0 accepted, 1 refused, 2 usage error or no answer.`;

export interface DoctorIo {
  env: NodeJS.ProcessEnv;
  readStdin(): Promise<string>;
  out(line: string): void;
  err(line: string): void;
  now(): Date;
}

const SYMBOL: Record<string, string> = { pass: 'PASS', fail: 'FAIL', 'not-reached': '  - ', info: 'INFO' };
const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

function heading(report: AnyReport): string {
  if ('identityPoolId' in report) return `identity pool ${report.identityPoolId}${report.loginsKey ? `, Logins key ${report.loginsKey}` : ''}${report.providerKind ? ` (${report.providerKind})` : ''}`;
  if (report.target.kind === 'role') {
    const t = report.target;
    return `role ${t.roleArn} (${t.mode === 'saml' ? 'AssumeRoleWithSAML' : 'AssumeRoleWithWebIdentity'})${t.principalArn ? `, SAML provider ${t.principalArn}` : ''}${(report as RoleDoctorReport).provider && t.mode !== 'saml' ? `, provider ${(report as RoleDoctorReport).provider}` : ''}`;
  }
  const up = report as UserPoolClientDoctorReport;
  return `user pool ${up.target.userPoolId}, app client ${up.target.clientId}${up.target.clientName ? ` (${up.target.clientName})` : ''}${up.tokenUse ? `, ${up.tokenUse} token` : ''}`;
}

function verdict(report: AnyReport): string {
  if (!report.accepted) return `REFUSED: ${report.error ? `${report.error.code}: ${report.error.message}` : 'see the failed check'}`;
  if ('identityPoolId' in report) return `ACCEPTED: credentials for ${report.role?.arn}`;
  if (report.target.kind === 'role') {
    const session = (report as RoleDoctorReport).session;
    return `ACCEPTED: a session of ${session?.roleArn} for ${session?.durationSeconds} seconds`;
  }
  const user = (report as UserPoolClientDoctorReport).user;
  return `ACCEPTED: a valid token of user ${user?.username} for this app client`;
}

export function formatReport(report: AnyReport): string[] {
  const lines = [heading(report)];
  for (const c of report.checks) {
    lines.push(`  ${SYMBOL[c.status] ?? c.status}  ${c.label}${c.check && c.status === 'fail' ? `  [${c.check}]` : ''}`);
    if (c.status === 'fail' && c.expected !== undefined) lines.push(`          expected: ${show(c.expected)}`);
    if (c.actual !== undefined && c.status !== 'not-reached') lines.push(`          ${c.status === 'fail' ? 'actual:   ' : ''}${show(c.actual)}`);
    if (c.detail && c.status !== 'not-reached') lines.push(`          ${c.detail}`);
  }
  lines.push(verdict(report));
  return lines;
}

/** Runs the command; resolves to the exit status. */
export async function doctorCommand(args: string[], io: DoctorIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        'identity-pool': { type: 'string' },
        token: { type: 'string' },
        endpoint: { type: 'string' },
        'login-key': { type: 'string' },
        'custom-role-arn': { type: 'string' },
        'role-arn': { type: 'string' },
        saml: { type: 'boolean' },
        'principal-arn': { type: 'string' },
        'provider-id': { type: 'string' },
        'role-session-name': { type: 'string' },
        'user-pool-client': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    io.err(`tessera doctor: ${(e as Error).message}\n\n${DOCTOR_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(DOCTOR_USAGE);
    return 0;
  }
  const pool = values['identity-pool'];
  const roleArn = values['role-arn'];
  const upClient = values['user-pool-client'];
  const tokenSource = values.token;
  const targets = [pool, roleArn, upClient].filter((t) => t !== undefined);
  const usage = (message: string) => {
    io.err(`tessera doctor: ${message}\n\n${DOCTOR_USAGE}`);
    return 2;
  };
  if (targets.length !== 1) return usage('name exactly one target: --identity-pool, --role-arn or --user-pool-client');
  if (!tokenSource) return usage('--token is required');
  if (pool === undefined && (values['login-key'] !== undefined || values['custom-role-arn'] !== undefined)) return usage('--login-key and --custom-role-arn are for --identity-pool');
  if (roleArn === undefined && (values.saml || values['principal-arn'] !== undefined || values['provider-id'] !== undefined || values['role-session-name'] !== undefined)) {
    return usage('--saml, --principal-arn, --provider-id and --role-session-name are for --role-arn');
  }
  if (values['provider-id'] !== undefined && (values.saml || values['principal-arn'] !== undefined)) return usage('--provider-id is for web-identity tokens, not with --saml or --principal-arn');
  let route: string;
  let request: Record<string, unknown>;
  if (pool !== undefined) {
    route = 'identity-pool';
    request = { IdentityPoolId: pool, ...(values['login-key'] ? { LoginsKey: values['login-key'] } : {}), ...(values['custom-role-arn'] ? { CustomRoleArn: values['custom-role-arn'] } : {}) };
  } else if (roleArn !== undefined) {
    route = 'role';
    request = {
      RoleArn: roleArn,
      ...(values.saml || values['principal-arn'] !== undefined ? { Kind: 'saml' } : values['provider-id'] !== undefined ? { Kind: 'web-identity' } : {}),
      ...(values['principal-arn'] ? { PrincipalArn: values['principal-arn'] } : {}),
      ...(values['provider-id'] ? { ProviderId: values['provider-id'] } : {}),
      ...(values['role-session-name'] ? { RoleSessionName: values['role-session-name'] } : {}),
    };
  } else {
    const colon = upClient!.indexOf(':');
    if (colon <= 0 || colon === upClient!.length - 1) return usage('--user-pool-client takes <userPoolId>:<clientId>, e.g. us-east-1_AbC123:4example');
    route = 'user-pool-client';
    request = { UserPoolId: upClient!.slice(0, colon), ClientId: upClient!.slice(colon + 1) };
  }
  const accessKeyId = io.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = io.env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    io.err('tessera doctor: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (the requests are signed with SigV4)');
    return 2;
  }
  let endpoint: URL;
  try {
    endpoint = new URL(`/_tessera/doctor/${route}`, values.endpoint ?? io.env.TESSERA_ENDPOINT ?? 'http://localhost:4590');
    if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    io.err(`tessera doctor: --endpoint must be an http(s) URL, got '${values.endpoint ?? io.env.TESSERA_ENDPOINT}'`);
    return 2;
  }
  let token: string;
  try {
    token = (tokenSource === '-' ? await io.readStdin() : readFileSync(tokenSource, 'utf8')).trim();
  } catch (e) {
    io.err(`tessera doctor: cannot read the token: ${(e as Error).message}`);
    return 2;
  }
  if (!token) {
    io.err('tessera doctor: the token is empty');
    return 2;
  }
  const body = JSON.stringify({ ...request, Token: token });
  const headers = signRequest({
    method: 'POST',
    url: endpoint,
    headers: { 'content-type': 'application/json' },
    body,
    service: 'tessera',
    region: io.env.AWS_REGION || io.env.AWS_DEFAULT_REGION || 'us-east-1',
    credentials: { accessKeyId, secretAccessKey, ...(io.env.AWS_SESSION_TOKEN ? { sessionToken: io.env.AWS_SESSION_TOKEN } : {}) },
    now: io.now(),
  });
  delete headers.host;
  let res: Response;
  try {
    res = await fetch(endpoint, { method: 'POST', headers, body });
  } catch (e) {
    io.err(`tessera doctor: no answer from ${endpoint.origin}: ${(e as Error).message}`);
    return 2;
  }
  const text = await res.text();
  if (res.status !== 200) {
    let message = text;
    try {
      const parsed = JSON.parse(text) as { __type?: string; message?: string };
      message = `${parsed.__type ?? res.status}: ${parsed.message ?? ''}`;
    } catch {
      /* not JSON: shown as it came */
    }
    io.err(`tessera doctor: ${endpoint.origin} answered ${res.status}: ${message}`);
    return 2;
  }
  const report = JSON.parse(text) as AnyReport;
  if (values.json) io.out(JSON.stringify(report, null, 2));
  else for (const line of formatReport(report)) io.out(line);
  return report.accepted ? 0 : 1;
}

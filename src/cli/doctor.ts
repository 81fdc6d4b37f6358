/**
 * `tessera doctor --identity-pool <id> --token <file|-> [--endpoint URL] [--login-key KEY]
 * [--custom-role-arn ARN] [--json]`: asks a running Tessera (default http://localhost:4590) whether
 * the token would get credentials from the identity pool, and prints each check. Signed with
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

export const DOCTOR_USAGE = `Usage: tessera doctor --identity-pool <id> --token <file|-> [options]

Explains, check by check, whether a running Tessera would accept the token as a Logins entry of
the identity pool (GetCredentialsForIdentity) and which role and trust-policy statement decide.

Options:
  --identity-pool <id>    identity pool id, e.g. us-east-1:0000…
  --token <file|->        file holding the token (a JWT or a provider access token); - = stdin
  --endpoint <url>        Tessera to ask, default http://localhost:4590   [TESSERA_ENDPOINT]
  --login-key <key>       the Logins key (default: told from the token's iss)
  --custom-role-arn <arn> as GetCredentialsForIdentity's CustomRoleArn
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

export function formatReport(report: DoctorReport): string[] {
  const lines = [`identity pool ${report.identityPoolId}${report.loginsKey ? `, Logins key ${report.loginsKey}` : ''}${report.providerKind ? ` (${report.providerKind})` : ''}`];
  for (const c of report.checks) {
    lines.push(`  ${SYMBOL[c.status] ?? c.status}  ${c.label}${c.check && c.status === 'fail' ? `  [${c.check}]` : ''}`);
    if (c.status === 'fail' && c.expected !== undefined) lines.push(`          expected: ${show(c.expected)}`);
    if (c.actual !== undefined && c.status !== 'not-reached') lines.push(`          ${c.status === 'fail' ? 'actual:   ' : ''}${show(c.actual)}`);
    if (c.detail && c.status !== 'not-reached') lines.push(`          ${c.detail}`);
  }
  lines.push(report.accepted ? `ACCEPTED: credentials for ${report.role?.arn}` : `REFUSED: ${report.error ? `${report.error.code}: ${report.error.message}` : 'see the failed check'}`);
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
  const tokenSource = values.token;
  if (!pool || !tokenSource) {
    io.err(`tessera doctor: --identity-pool and --token are required\n\n${DOCTOR_USAGE}`);
    return 2;
  }
  const accessKeyId = io.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = io.env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    io.err('tessera doctor: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (the requests are signed with SigV4)');
    return 2;
  }
  let endpoint: URL;
  try {
    endpoint = new URL('/_tessera/doctor/identity-pool', values.endpoint ?? io.env.TESSERA_ENDPOINT ?? 'http://localhost:4590');
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
  const body = JSON.stringify({
    IdentityPoolId: pool,
    Token: token,
    ...(values['login-key'] ? { LoginsKey: values['login-key'] } : {}),
    ...(values['custom-role-arn'] ? { CustomRoleArn: values['custom-role-arn'] } : {}),
  });
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
  const report = JSON.parse(text) as DoctorReport;
  if (values.json) io.out(JSON.stringify(report, null, 2));
  else for (const line of formatReport(report)) io.out(line);
  return report.accepted ? 0 : 1;
}

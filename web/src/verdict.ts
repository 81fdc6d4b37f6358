// The token doctor's admin API (POST /_tessera/doctor/<target>, SigV4 for the service `tessera`)
// and its report check by check: shared by the doctor page and the console's "What would this
// login get?".
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import type { Credentials } from './credentials';
import { h, json } from './dom';

export interface DoctorCheck { id: string; label: string; status: 'pass' | 'fail' | 'not-reached' | 'info'; check?: string; expected?: unknown; actual?: unknown; detail?: string }
export interface DoctorReport {
  accepted: boolean;
  identityPoolId: string;
  loginsKey?: string;
  providerKind?: string;
  decoded?: { header: Record<string, unknown>; claims: Record<string, unknown> };
  checks: DoctorCheck[];
  error?: { code: string; message: string };
  role?: { arn: string; source: string };
}
export interface ExplainInput { IdentityPoolId: string; Token: string; LoginsKey?: string; CustomRoleArn?: string }

/** Thrown for a 4xx of the admin API itself (not a refused login, which is a report). */
export class DoctorApiError extends Error {
  constructor(public code: string, message: string) {
    super(message);
    this.name = code;
  }
}

/** Asks the doctor about `body` for a target; a 4xx of the admin API itself throws DoctorApiError. */
export async function askDoctor<T>(creds: Credentials, target: 'identity-pool' | 'role' | 'user-pool-client', body: unknown): Promise<T> {
  const text = JSON.stringify(body);
  const url = new URL(`/_tessera/doctor/${target}`, location.origin);
  const signer = new SignatureV4({ service: 'tessera', region: 'us-east-1', credentials: creds, sha256: Sha256 });
  const signed = await signer.sign({ method: 'POST', protocol: url.protocol, hostname: url.hostname, port: Number(url.port) || undefined, path: url.pathname, headers: { host: url.host, 'content-type': 'application/json' }, body: text });
  const headers = { ...signed.headers } as Record<string, string>;
  delete headers.host;
  const res = await fetch(url, { method: 'POST', headers, body: text });
  const answer = (await res.json()) as T & { __type?: string; message?: string };
  if (!res.ok) throw new DoctorApiError(String(answer.__type ?? res.status).replace(/^.*#/, ''), answer.message ?? '');
  return answer;
}

export function explainLogin(creds: Credentials, input: ExplainInput): Promise<DoctorReport> {
  return askDoctor<DoctorReport>(creds, 'identity-pool', input);
}

const show = (v: unknown) => (typeof v === 'string' ? v : json(v));

/** The verdict (heading with id `headingId`), the Logins key, each check and the decoded token. */
export function renderReport(report: DoctorReport, headingId = 'verdict'): HTMLElement {
  return h('div', { class: 'verdict' },
    h('h4', { id: headingId, tabindex: '-1' }, report.accepted
      ? h('span', { class: 'pass' }, `Accepted: credentials for ${report.role?.arn ?? '(no role)'}`)
      : h('span', { class: 'fail' }, `Refused: ${report.error?.code ?? ''} — ${report.error?.message ?? ''}`)),
    h('p', {}, 'Logins key ', h('code', {}, report.loginsKey ?? '(unknown)'), report.providerKind ? ` (${report.providerKind})` : ''),
    report.role ? h('p', { 'data-role': report.role.arn }, 'Role: ', h('code', {}, report.role.arn), ` (chosen by ${report.role.source}). GetCredentialsForIdentity would return temporary credentials (ASIA…) of a session of this role.`) : null,
    checksTable(report.checks, 'Checks, in the order GetCredentialsForIdentity makes them'),
    decodedToken(report.decoded),
  );
}

/** Each check: its label (and failing check id), result, and expected / found. */
export function checksTable(checks: DoctorCheck[], caption: string): HTMLElement {
  return h('table', {}, h('caption', { class: 'muted' }, caption),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Check'), h('th', { scope: 'col' }, 'Result'), h('th', { scope: 'col' }, 'Expected / found'))),
    h('tbody', {}, ...checks.map((c) => h('tr', { 'data-check': c.id, 'data-status': c.status },
      h('td', {}, c.label, c.check && c.status === 'fail' ? h('div', {}, h('code', {}, c.check)) : null),
      h('td', { class: c.status === 'pass' ? 'pass' : c.status === 'fail' ? 'fail' : 'muted' }, c.status),
      h('td', {}, c.expected !== undefined ? h('div', {}, 'expected: ', h('code', {}, show(c.expected))) : null,
        c.actual !== undefined ? h('div', {}, c.status === 'fail' ? 'found: ' : '', h('code', {}, show(c.actual))) : null,
        c.detail ? h('div', { class: 'muted' }, c.detail) : null)))));
}

/** The decoded token, when the report has one (never its signature). */
export function decodedToken(decoded: unknown): HTMLElement | null {
  return decoded ? h('details', {}, h('summary', {}, 'Decoded token (signature not shown)'), h('pre', {}, json(decoded))) : null;
}

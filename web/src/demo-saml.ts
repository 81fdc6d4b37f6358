// The demo's SAML 2.0 sign-in through Tessera's development SAML IdP (/_dev/saml, development only).
// IdP-initiated with a RelayState this page makes and keeps in sessionStorage: the IdP posts the
// signed SAMLResponse to the demo's ACS (/demo/saml/acs), which keeps it server-side in a one-time
// slot bound to this browser (an HttpOnly cookie) and sends us to /demo/callback; the page then
// takes it by POST with its RelayState. The response is never in a URL, and is shown masked.
// Enhanced flow: the response is the identity pool login (GetId, GetCredentialsForIdentity).
// Basic flow: the AWS example refuses SAML in its basic tab ("SAML not supported in basic flow").
// Here the basic tab runs STS AssumeRoleWithSAML with the role picked in the basic tab, which the
// response must name: the role is the app's choice, as in every basic run.
import { GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { AssumeRoleWithSAMLCommand } from '@aws-sdk/client-sts';
import { h, mask, replace } from './dom';
import { beginRun, finishRun, identity, post, showResult, state, sts, traced, type Creds, type Demo, type Step } from './demo-flow';

export interface SamlInfo { providerArn: string; startUrl: string; metadataUrl: string; roles: Array<{ name: string; arn: string }> }
/** sessionStorage: which sign-in went away to a provider (read by demo.ts on /demo/callback). */
export const SIGN_IN_KEY = 'tessera-demo-signin';
const KEY = 'tessera-demo-saml';
const LABEL = 'SAML 2.0';

const samlInfo = (): SamlInfo | null => (state.demo as Demo & { saml?: SamlInfo | null }).saml ?? null;

/** The "SAML 2.0" button. */
export function samlButton(): HTMLElement {
  return h('button', { type: 'button', id: 'sign-in-saml', disabled: !samlInfo(), 'aria-describedby': 'saml-note', onclick: startSamlSignIn }, LABEL);
}

/** What SAML 2.0 does in each flow. */
export function samlNote(): HTMLElement {
  return h('p', { class: 'muted', id: 'saml-note' },
    'SAML 2.0 signs in at Tessera’s development SAML IdP (development only). Enhanced flow: the SAML response is the login (GetId, GetCredentialsForIdentity; with several roles asserted the page names the authenticated one as CustomRoleArn). ',
    'Basic flow: STS AssumeRoleWithSAML with the role you pick, which the response must name (the AWS example offers no basic flow for SAML).');
}

function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function startSamlSignIn(): void {
  const saml = samlInfo();
  if (!saml) return;
  const relayState = randomHex(24);
  const roleArn = (document.getElementById('basic-role') as HTMLSelectElement | null)?.value;
  const duration = (document.getElementById('basic-duration') as HTMLSelectElement | null)?.value;
  sessionStorage.setItem(KEY, JSON.stringify({ relayState, flow: state.flow, roleArn, duration }));
  sessionStorage.setItem(SIGN_IN_KEY, 'saml');
  const u = new URL(saml.startUrl, location.origin);
  u.searchParams.set('RelayState', relayState);
  location.assign(u.toString());
}

/** What the (unverified, for display) response says: read as XML text, shown as text. */
function describe(samlResponse: string): { masked: string; decoded: Record<string, unknown>; roles: string[] } {
  const decoded: Record<string, unknown> = {};
  let roles: string[] = [];
  try {
    const xml = new TextDecoder().decode(Uint8Array.from(atob(samlResponse), (c) => c.charCodeAt(0)));
    const doc = new DOMParser().parseFromString(xml, 'application/xml');
    const A = 'urn:oasis:names:tc:SAML:2.0:assertion';
    const first = (name: string) => doc.getElementsByTagNameNS(A, name)[0];
    decoded.Issuer = first('Issuer')?.textContent;
    decoded.NameID = first('NameID')?.textContent;
    decoded.Audience = first('Audience')?.textContent;
    decoded.Recipient = first('SubjectConfirmationData')?.getAttribute('Recipient');
    decoded.NotOnOrAfter = first('SubjectConfirmationData')?.getAttribute('NotOnOrAfter');
    decoded.Signatures = doc.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature').length;
    const attributes: Record<string, string[]> = {};
    for (const a of Array.from(doc.getElementsByTagNameNS(A, 'Attribute'))) {
      attributes[a.getAttribute('Name') ?? ''] = Array.from(a.getElementsByTagNameNS(A, 'AttributeValue'), (v) => v.textContent ?? '');
    }
    decoded.Attributes = attributes;
    roles = (attributes['https://aws.amazon.com/SAML/Attributes/Role'] ?? []).map((v) => v.split(',').find((p) => p.includes(':role/')) ?? '').filter(Boolean);
  } catch {
    decoded.error = 'not readable';
  }
  return { masked: mask(samlResponse), decoded, roles };
}

export async function finishSamlSignIn(selectTab: (which: 'enhanced' | 'basic') => void): Promise<void> {
  history.replaceState(null, '', '/');
  const saved = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as { relayState: string; flow: 'enhanced' | 'basic'; roleArn?: string; duration?: string } | null;
  sessionStorage.removeItem(KEY);
  sessionStorage.removeItem(SIGN_IN_KEY);
  selectTab(saved?.flow ?? 'enhanced');
  const roleSelect = document.getElementById('basic-role') as HTMLSelectElement | null;
  const durationSelect = document.getElementById('basic-duration') as HTMLSelectElement | null;
  if (saved?.roleArn && roleSelect) roleSelect.value = saved.roleArn;
  if (saved?.duration && durationSelect) durationSelect.value = saved.duration;
  const out = document.getElementById('result')!;
  const saml = samlInfo();
  if (!saved || !saml) {
    replace(out, h('p', { class: 'error', role: 'alert' }, 'SAML answer refused: this page did not start a SAML sign-in.'));
    return;
  }
  beginRun();
  const steps: Step[] = [];
  replace(out, h('p', { role: 'status' }, `${LABEL}: working…`));
  let samlResponse = '';
  let shown: ReturnType<typeof describe> | undefined;
  try {
    await traced(steps, 'Demo ACS: take the SAML response kept for this browser (POST /_tessera/demo/saml/response)', { relayState: saved.relayState }, async () => {
      const got = (await post('/_tessera/demo/saml/response', { relayState: saved.relayState })) as { SAMLResponse: string };
      samlResponse = got.SAMLResponse;
      shown = describe(samlResponse);
      return { SAMLResponse: { masked: shown.masked, decoded: shown.decoded } };
    });
  } catch {
    showResult(LABEL, undefined, steps, undefined);
    return;
  }
  const roles = shown?.roles ?? [];
  let creds: Creds | undefined;
  try {
    if (saved.flow === 'enhanced') {
      const Logins = { [saml.providerArn]: samlResponse };
      const id = (await traced(steps, 'GetId', { IdentityPoolId: state.demo.identityPoolId, Logins }, () => identity.send(new GetIdCommand({ IdentityPoolId: state.demo.identityPoolId, Logins })))).IdentityId!;
      const authenticated = state.demo.roles.authenticated.arn;
      const custom = roles.length > 1 ? (roles.includes(authenticated) ? authenticated : roles[0]) : undefined;
      const request = { IdentityId: id, Logins, ...(custom ? { CustomRoleArn: custom } : {}) };
      creds = (await traced(steps, 'GetCredentialsForIdentity', request, () => identity.send(new GetCredentialsForIdentityCommand(request)))).Credentials;
    } else {
      const RoleArn = roleSelect?.value ?? '';
      const DurationSeconds = Number(durationSelect?.value ?? 900);
      const shownRequest = { RoleArn, PrincipalArn: saml.providerArn, SAMLAssertion: shown?.masked, DurationSeconds };
      const assumed = await traced(steps, 'AssumeRoleWithSAML', shownRequest, () =>
        sts.send(new AssumeRoleWithSAMLCommand({ RoleArn, PrincipalArn: saml.providerArn, SAMLAssertion: samlResponse, DurationSeconds })));
      creds = assumed.Credentials;
    }
  } catch {
    /* shown in the flow below */
  }
  await finishRun(LABEL, creds, steps);
}

/**
 * The development SAML 2.0 identity provider (`--dev-idps`, implied by `--demo`; loopback only,
 * DEVELOPMENT ONLY). Served from the main listener under `/_dev/saml/`:
 *
 * - `GET /_dev/saml/metadata`: the IdP's metadata (EntityDescriptor, IDPSSODescriptor, one
 *   signing KeyDescriptor, SingleSignOnService for HTTP-Redirect and HTTP-POST), what IAM
 *   CreateSAMLProvider takes. The entity id is that URL.
 * - `GET /_dev/saml/sso`: the sign-in page. Either SP-initiated (`SAMLRequest`, a deflated
 *   AuthnRequest, HTTP-Redirect binding; its ID becomes InResponseTo and its
 *   AssertionConsumerServiceURL, which must be on Tessera's own origin, the place to post to) or
 *   IdP-initiated (only `RelayState`: the response goes to the default ACS, the demo's). The page
 *   asks for a user name, an email and the roles to assert; it is a plain form (no script), bound
 *   to the browser (CSRF): the form names a one-time transaction, which only answers a post
 *   carrying the browser secret it was made for (an HttpOnly SameSite cookie, shared by the
 *   browser's open sign-ins), and a cross-site post (Sec-Fetch-Site / Origin) is refused.
 * - `POST /_dev/saml/sso`: signs in whoever was typed (no password: development only) and answers
 *   with the HTTP-POST binding: a form carrying `SAMLResponse` and `RelayState` to the ACS,
 *   submitted by `/_dev/saml/autopost.js` (CSP script-src 'self'), with a visible button as the
 *   fallback. The response never appears in a URL.
 *
 * The Response and its Assertion are both signed (RSA-SHA256, exclusive c14n, enveloped) by
 * xml-crypto with the key of `<dataDir>/dev-idps/saml-signing.pem`. What Tessera's verifier
 * (src/tokens/saml) and AWS require is put in: Issuer = the entity id, Audience
 * `urn:amazon:webservices`, Recipient and Destination `<public-url>/saml` (Tessera's counterpart
 * of https://signin.aws.amazon.com/saml; the IdP posts to the ACS all the same, as an IdP set up
 * for AWS posts to wherever the app receives it), a bearer SubjectConfirmation with
 * NotOnOrAfter, Conditions NotBefore/NotOnOrAfter from the injected clock, the NameID, and the
 * attributes `https://aws.amazon.com/SAML/Attributes/Role` (`roleArn,providerArn` per role),
 * `RoleSessionName`, `SessionDuration` and the email (urn:oid:0.9.2342.19200300.100.1.3, what
 * IAM reads as `SAML:mail`). Every value goes into the XML through escapeXml.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SignedXml } from 'xml-crypto';
import { escapeXml } from '../wire/xml.js';
import { escapeHtml } from '../services/oauth2/pages.js';
import { parseCookies, setCookie } from '../services/oauth2/cookies.js';
import { isElement, parseXml, SAML_NS, SAMLP_NS, textValue, children } from '../tokens/saml/dom.js';
import { AWS_SAML_AUDIENCE, ROLE_ATTRIBUTE, ROLE_SESSION_NAME_ATTRIBUTE, SESSION_DURATION_ATTRIBUTE } from '../tokens/saml/index.js';
import { loadOrCreateDevCertificate, type DevCertificate } from './certificates.js';
import { createMemo } from './memo.js';

/** The IAM SAML provider name the dev IdP's Role attribute pairs name (and demo mode registers). */
export const DEV_SAML_PROVIDER_NAME = 'tessera-dev-saml';
export const DEV_SAML_PATH = '/_dev/saml';
export const EMAIL_ATTRIBUTE = 'urn:oid:0.9.2342.19200300.100.1.3';
/** Lifetime of a response (SubjectConfirmationData and Conditions NotOnOrAfter). */
export const RESPONSE_SECONDS = 300;
/** The SessionDuration attribute the IdP asserts (the demo roles' MaxSessionDuration). */
export const SESSION_DURATION_SECONDS = 3600;
/** How long the sign-in page's transaction lives. */
const LOGIN_TTL_MS = 10 * 60 * 1000;
const MAX_PENDING = 1000;
/** A deflated AuthnRequest may not inflate beyond this (security.md S21). */
const MAX_REQUEST_BYTES = 64 * 1024;
const COOKIE_NAME = 'tessera_dev_saml';

const PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
const REDIRECT_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const POST_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
const PERSISTENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';
const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

const USER_NAME = /^[\w+=,.@-]{2,64}$/;
const EMAIL = /^[^\s@<>"']{1,64}@[A-Za-z0-9.-]{1,189}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const RELAY_STATE = /^[\x21-\x7e]{1,256}$/;
const REQUEST_ID = /^[A-Za-z_][\w.-]{0,255}$/;

export interface DevSamlRole {
  readonly name: string;
  readonly arn: string;
  readonly description?: string;
}

export interface DevSamlIdpOptions {
  publicUrl: string;
  dataDir: string;
  accountId: string;
  clock: () => Date;
  /** Where an IdP-initiated sign-in (no AuthnRequest) posts its response (the demo's ACS, a path on this server), if anywhere. */
  defaultAcsUrl?: () => string | undefined;
  /** The roles the sign-in page offers (checked by default); more can be typed in. */
  roles?: () => readonly DevSamlRole[];
}

export interface SignInInput {
  userName: string;
  email: string;
  roleArns: readonly string[];
  inResponseTo?: string;
}

export interface DevSamlIdp {
  readonly entityId: string;
  readonly metadataUrl: string;
  readonly ssoUrl: string;
  /** Recipient and Destination of every response (`<public-url>/saml`). */
  readonly recipient: string;
  readonly providerName: string;
  /** `arn:aws:iam::<account>:saml-provider/tessera-dev-saml`: the provider ARN the Role pairs name. */
  readonly providerArn: string;
  readonly certificate: DevCertificate;
  readonly metadataXml: string;
  /** A signed SAML Response, base64 (the HTTP-POST binding's SAMLResponse). */
  response(input: SignInInput): string;
  routes(): (app: FastifyInstance) => void;
}

interface Pending {
  csrfHash: string;
  acsUrl: string;
  relayState?: string;
  requestId?: string;
  spIssuer?: string;
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const newId = () => `_${randomBytes(20).toString('hex')}`;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Loads (or creates) the signing certificate and returns the IdP. */
export async function createDevSamlIdp(options: DevSamlIdpOptions): Promise<DevSamlIdp> {
  const certificate = await loadOrCreateDevCertificate(options.dataDir, 'saml-signing', { commonName: 'Tessera development SAML IdP', now: options.clock() });
  const base = `${options.publicUrl}${DEV_SAML_PATH}`;
  const entityId = `${base}/metadata`;
  const ssoUrl = `${base}/sso`;
  const recipient = `${options.publicUrl}/saml`;
  const providerArn = `arn:aws:iam::${options.accountId}:saml-provider/${DEV_SAML_PROVIDER_NAME}`;
  const origin = new URL(options.publicUrl).origin;
  const secure = options.publicUrl.startsWith('https:');

  const metadataXml =
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${escapeXml(entityId)}">\n` +
    `  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="${PROTOCOL}">\n` +
    `    <md:KeyDescriptor use="signing">\n` +
    `      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certificate.certBase64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>\n` +
    `    </md:KeyDescriptor>\n` +
    `    <md:NameIDFormat>${PERSISTENT}</md:NameIDFormat>\n` +
    `    <md:NameIDFormat>${EMAIL_FORMAT}</md:NameIDFormat>\n` +
    `    <md:SingleSignOnService Binding="${REDIRECT_BINDING}" Location="${escapeXml(ssoUrl)}"/>\n` +
    `    <md:SingleSignOnService Binding="${POST_BINDING}" Location="${escapeXml(ssoUrl)}"/>\n` +
    `  </md:IDPSSODescriptor>\n` +
    `  <md:Organization><md:OrganizationName xml:lang="en">Tessera development identity providers (development only)</md:OrganizationName>` +
    `<md:OrganizationDisplayName xml:lang="en">Tessera development SAML IdP</md:OrganizationDisplayName>` +
    `<md:OrganizationURL xml:lang="en">${escapeXml(options.publicUrl)}/</md:OrganizationURL></md:Organization>\n` +
    `</md:EntityDescriptor>\n`;

  function sign(xml: string, element: 'Assertion' | 'Response'): string {
    const target = element === 'Response' ? `/*[local-name(.)='Response' and namespace-uri(.)='${SAMLP_NS}']` : `/*[local-name(.)='Response']/*[local-name(.)='Assertion' and namespace-uri(.)='${SAML_NS}']`;
    const sig = new SignedXml({ privateKey: certificate.keyPem, publicCert: certificate.certPem, signatureAlgorithm: RSA_SHA256, canonicalizationAlgorithm: EXC_C14N });
    sig.addReference({ xpath: target, digestAlgorithm: SHA256, transforms: [ENVELOPED, EXC_C14N] });
    // The schema puts ds:Signature right after the element's Issuer.
    sig.computeSignature(xml, { prefix: 'ds', location: { reference: `${target}/*[local-name(.)='Issuer']`, action: 'after' } });
    return sig.getSignedXml();
  }

  function response(input: SignInInput): string {
    if (!USER_NAME.test(input.userName)) throw new Error('dev SAML IdP: the user name must be 2 to 64 characters [\\w+=,.@-]');
    const now = options.clock();
    const end = iso(new Date(now.getTime() + RESPONSE_SECONDS * 1000));
    const responseId = newId();
    const assertionId = newId();
    const answer = input.inResponseTo !== undefined ? ` InResponseTo="${escapeXml(input.inResponseTo)}"` : '';
    const attribute = (name: string, values: readonly string[], friendly?: string) =>
      `<saml:Attribute Name="${escapeXml(name)}"${friendly ? ` FriendlyName="${escapeXml(friendly)}"` : ''} NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">` +
      values.map((v) => `<saml:AttributeValue xsi:type="xs:string">${escapeXml(v)}</saml:AttributeValue>`).join('') +
      `</saml:Attribute>`;
    const attributes = [
      input.roleArns.length ? attribute(ROLE_ATTRIBUTE, input.roleArns.map((arn) => `${arn},${providerArn}`)) : '',
      attribute(ROLE_SESSION_NAME_ATTRIBUTE, [input.userName]),
      attribute(SESSION_DURATION_ATTRIBUTE, [String(SESSION_DURATION_SECONDS)]),
      input.email ? attribute(EMAIL_ATTRIBUTE, [input.email], 'email') : '',
    ].join('');
    const xml =
      `<samlp:Response xmlns:samlp="${SAMLP_NS}" xmlns:saml="${SAML_NS}" ID="${responseId}" Version="2.0" IssueInstant="${iso(now)}" Destination="${escapeXml(recipient)}"${answer}>` +
      `<saml:Issuer>${escapeXml(entityId)}</saml:Issuer>` +
      `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
      `<saml:Assertion xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema" ID="${assertionId}" Version="2.0" IssueInstant="${iso(now)}">` +
      `<saml:Issuer>${escapeXml(entityId)}</saml:Issuer>` +
      `<saml:Subject><saml:NameID Format="${PERSISTENT}">${escapeXml(input.userName)}</saml:NameID>` +
      `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${end}" Recipient="${escapeXml(recipient)}"${answer}/></saml:SubjectConfirmation></saml:Subject>` +
      `<saml:Conditions NotBefore="${iso(now)}" NotOnOrAfter="${end}"><saml:AudienceRestriction><saml:Audience>${escapeXml(AWS_SAML_AUDIENCE)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
      `<saml:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="${assertionId}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
      `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` +
      `</saml:Assertion></samlp:Response>`;
    return Buffer.from(sign(sign(xml, 'Assertion'), 'Response'), 'utf8').toString('base64');
  }

  // ---- the sign-in transactions (one process: --dev-idps runs with one worker) -----------------
  const pending = createMemo<Pending>(options.clock, MAX_PENDING);

  /** The ACS the response may be posted to: a path on this server, or an absolute URL on Tessera's own origin. */
  function acsAllowed(url: string): boolean {
    if (/^\/(?!\/)[\x21-\x7e]*$/.test(url) && !url.includes('\\')) return true;
    try {
      const u = new URL(url);
      return u.origin === origin && !u.username && !u.password && !u.hash;
    } catch {
      return false;
    }
  }

  function parseAuthnRequest(encoded: string): { id: string; acsUrl?: string; issuer?: string } {
    let xml: string;
    try {
      const bytes = Buffer.from(encoded, 'base64');
      xml = new TextDecoder('utf-8', { fatal: true }).decode(inflateRawSync(bytes, { maxOutputLength: MAX_REQUEST_BYTES }));
    } catch {
      throw new PageError('The SAMLRequest is not a deflated, base64 AuthnRequest (HTTP-Redirect binding), or it is too large.');
    }
    let root;
    try {
      root = parseXml(xml).documentElement!;
    } catch (err) {
      throw new PageError(`The SAMLRequest is not acceptable XML: ${(err as Error).message}`);
    }
    if (!isElement(root, SAMLP_NS, 'AuthnRequest')) throw new PageError('The SAMLRequest is not a samlp:AuthnRequest.');
    const id = root.getAttribute('ID') ?? '';
    if (!REQUEST_ID.test(id)) throw new PageError('The AuthnRequest has no valid ID.');
    const acsUrl = root.getAttribute('AssertionConsumerServiceURL') || undefined;
    const binding = root.getAttribute('ProtocolBinding');
    if (binding && binding !== POST_BINDING) throw new PageError('This development IdP answers by the HTTP-POST binding only.');
    const issuerEl = children(root, SAML_NS, 'Issuer')[0];
    let issuer: string | undefined;
    try {
      issuer = issuerEl ? textValue(issuerEl, 'saml.issuer') : undefined;
    } catch {
      throw new PageError('The AuthnRequest Issuer must be text only.');
    }
    return { id, ...(acsUrl ? { acsUrl } : {}), ...(issuer ? { issuer } : {}) };
  }

  function routes() {
    return (app: FastifyInstance) => {
      app.get(`${DEV_SAML_PATH}/metadata`, async (_request, reply) => {
        reply.header('cache-control', 'no-store').header('x-content-type-options', 'nosniff').type('application/samlmetadata+xml; charset=utf-8').send(metadataXml);
      });

      app.get(`${DEV_SAML_PATH}/autopost.js`, async (_request, reply) => {
        reply.header('cache-control', 'no-store').header('x-content-type-options', 'nosniff').type('text/javascript; charset=utf-8').send(AUTOPOST_JS);
      });

      app.get(`${DEV_SAML_PATH}/sso`, async (request, reply) => {
        try {
          const q = singleParams(new URLSearchParams(request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : ''));
          const relayState = q.get('RelayState');
          if (relayState !== undefined && !RELAY_STATE.test(relayState)) throw new PageError('RelayState must be 1 to 256 printable ASCII characters.');
          const samlRequest = q.get('SAMLRequest');
          const req = samlRequest !== undefined ? parseAuthnRequest(samlRequest) : undefined;
          const acsUrl = req?.acsUrl ?? options.defaultAcsUrl?.();
          if (!acsUrl) throw new PageError('No AssertionConsumerServiceURL: send an AuthnRequest that names one (on this server), or use demo mode.');
          if (!acsAllowed(acsUrl)) throw new PageError(`This development IdP posts responses only to this server (${origin}); the AssertionConsumerServiceURL is elsewhere.`);
          const handle = randomBytes(32).toString('base64url');
          // One browser secret for every sign-in this browser has open (a second tab keeps the first working).
          const existing = parseCookies(request.headers.cookie).get(COOKIE_NAME);
          const csrf = existing && /^[A-Za-z0-9_-]{43}$/.test(existing) ? existing : randomBytes(32).toString('base64url');
          pending.set(handle, {
            csrfHash: sha256(csrf),
            acsUrl,
            ...(relayState !== undefined ? { relayState } : {}),
            ...(req ? { requestId: req.id } : {}),
            ...(req?.issuer ? { spIssuer: req.issuer } : {}),
          }, LOGIN_TTL_MS / 1000);
          const cookie = setCookie(COOKIE_NAME, csrf, { path: DEV_SAML_PATH, secure }, LOGIN_TTL_MS / 1000);
          return sendPage(reply, 200, signInPage({ handle, roles: options.roles?.() ?? [], providerArn, spIssuer: req?.issuer, acsUrl }), [cookie]);
        } catch (err) {
          if (err instanceof PageError) return sendPage(reply, 400, errorPage(err.message));
          throw err;
        }
      });

      app.post(`${DEV_SAML_PATH}/sso`, async (request, reply) => {
        try {
          if (!sameOrigin(request)) throw new PageError('The sign-in form must be posted from this server’s own page.');
          const form = formBody(request);
          const handle = form.get('login') ?? '';
          const entry = pending.get(handle);
          const csrf = parseCookies(request.headers.cookie).get(COOKIE_NAME) ?? '';
          if (!entry) throw new PageError('This sign-in has expired or was already used: start it again from the application.');
          const a = Buffer.from(sha256(csrf)), b = Buffer.from(entry.csrfHash);
          if (!timingSafeEqual(a, b)) throw new PageError('This sign-in form does not belong to this browser (CSRF check failed): start it again.');
          const userName = form.get('username') ?? '';
          if (!USER_NAME.test(userName)) throw new PageError('The user name must be 2 to 64 characters: letters, digits and + = , . @ _ -');
          const email = form.get('email') ?? '';
          if (email !== '' && !EMAIL.test(email)) throw new PageError('The email address is not valid.');
          const offered = new Set((options.roles?.() ?? []).map((r) => r.arn));
          const roleArns = form.getAll('role').filter((arn) => offered.has(arn));
          const extra = (form.get('other-role') ?? '').trim();
          if (extra !== '') {
            if (!ROLE_ARN.test(extra)) throw new PageError('The other role must be an IAM role ARN (arn:aws:iam::<account>:role/<name>).');
            if (!roleArns.includes(extra)) roleArns.push(extra);
          }
          // Single use, once the form is acceptable (a typing mistake leaves the page usable after Back).
          pending.take(handle);
          const saml = response({ userName, email, roleArns, ...(entry.requestId ? { inResponseTo: entry.requestId } : {}) });
          return sendPage(reply, 200, postPage({ acsUrl: entry.acsUrl, samlResponse: saml, relayState: entry.relayState }));
        } catch (err) {
          if (err instanceof PageError) return sendPage(reply, 400, errorPage(err.message));
          throw err;
        }
      });
    };
  }

  return Object.freeze({ entityId, metadataUrl: entityId, ssoUrl, recipient, providerName: DEV_SAML_PROVIDER_NAME, providerArn, certificate, metadataXml, response, routes });
}

class PageError extends Error {}

/** Query or form parameters, each at most once (a repeated one is refused, never "first wins"); `role` may repeat. */
function singleParams(params: URLSearchParams): { get(name: string): string | undefined; getAll(name: string): string[] } {
  const seen = new Set<string>();
  for (const [k] of params) {
    if (k !== 'role' && seen.has(k)) throw new PageError(`The parameter ${k} is repeated.`);
    seen.add(k);
  }
  return { get: (name) => params.get(name) ?? undefined, getAll: (name) => params.getAll(name) };
}

function formBody(request: FastifyRequest): ReturnType<typeof singleParams> {
  const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new PageError('The form must be posted as application/x-www-form-urlencoded.');
  const body = request.body;
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : '';
  return singleParams(new URLSearchParams(text));
}

/**
 * A form post from the page this server sent: Sec-Fetch-Site says so where the browser sends it;
 * otherwise Origin (a browser sends `null` under Referrer-Policy no-referrer, which this page has).
 * The transaction cookie is the CSRF defence proper; this refuses cross-site posts early.
 */
function sameOrigin(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin';
  const o = request.headers.origin;
  if (typeof o === 'string' && o !== 'null') return o === `${request.protocol}://${request.headers.host ?? ''}`;
  return true;
}

// ---- pages ----------------------------------------------------------------------------------
// The development IdPs' one stylesheet (/_dev/style.css, src/devidp/page.ts), so the page needs no inline style.
const PAGE_CSP = `default-src 'none'; script-src 'self'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;
const AUTOPOST_JS = `// Submits the development SAML IdP's HTTP-POST binding form (the button is the fallback).\nconst form = document.getElementById('saml-post');\nif (form) form.submit();\n`;

function layout(title: string, body: string, script = false): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/_dev/style.css">
</head>
<body>
<main>
<p class="dev" role="note"><strong>Development only.</strong> This is Tessera’s built-in development SAML 2.0 identity provider: it signs in whoever you type, without a password. Never use it for anything real.</p>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
${script ? `<script src="${DEV_SAML_PATH}/autopost.js"></script>\n` : ''}</body>
</html>
`;
}

function signInPage(input: { handle: string; roles: readonly DevSamlRole[]; providerArn: string; spIssuer: string | undefined; acsUrl: string }): string {
  const roles = input.roles.length
    ? input.roles.map((r, i) => `<label><input type="checkbox" name="role" value="${escapeHtml(r.arn)}" checked${i === 0 ? ' id="role-first"' : ''}> ${escapeHtml(r.name)}</label>`).join('\n')
    : '<p class="muted">No roles are configured for this IdP; name one below.</p>';
  return layout(
    'Sign in to the development SAML IdP',
    `<p>${input.spIssuer !== undefined ? `Signing in to <code>${escapeHtml(input.spIssuer)}</code>` : 'An IdP-initiated sign-in'}; the response goes to <code>${escapeHtml(input.acsUrl)}</code>.</p>
<form method="post" action="${DEV_SAML_PATH}/sso">
<input type="hidden" name="login" value="${escapeHtml(input.handle)}">
<label for="username">User name (NameID and RoleSessionName)</label>
<input type="text" id="username" name="username" required autocomplete="username" pattern="[\\w+=,.@\\-]{2,64}" value="alice" aria-describedby="username-help">
<p class="muted" id="username-help">2 to 64 characters: letters, digits and + = , . @ _ -</p>
<label for="email">Email</label>
<input type="email" id="email" name="email" autocomplete="email" value="alice@example.com">
<fieldset>
<legend>Roles to assert (the Role attribute, each paired with <code>${escapeHtml(input.providerArn)}</code>)</legend>
${roles}
<label for="other-role">Another role ARN (optional)</label>
<input type="text" id="other-role" name="other-role" autocomplete="off">
</fieldset>
<p class="muted">An identity pool’s enhanced flow takes the one role asserted (or a CustomRoleArn among them); STS AssumeRoleWithSAML takes the RoleArn you pick among them.</p>
<button type="submit">Sign in</button>
</form>`,
  );
}

function postPage(input: { acsUrl: string; samlResponse: string; relayState: string | undefined }): string {
  return layout(
    'Returning to the application',
    `<form id="saml-post" method="post" action="${escapeHtml(input.acsUrl)}">
<input type="hidden" name="SAMLResponse" value="${escapeHtml(input.samlResponse)}">
${input.relayState !== undefined ? `<input type="hidden" name="RelayState" value="${escapeHtml(input.relayState)}">\n` : ''}<p>Signed in. Your browser posts the SAML response to the application now; if it does not, press Continue.</p>
<button type="submit">Continue</button>
</form>`,
    true,
  );
}

function errorPage(message: string): string {
  return layout('Development SAML IdP: sign-in refused', `<p class="error" role="alert">${escapeHtml(message)}</p>`);
}

function sendPage(reply: FastifyReply, status: number, html: string, cookies: string[] = []): FastifyReply {
  if (cookies.length) reply.header('set-cookie', cookies);
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('content-security-policy', PAGE_CSP)
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .type('text/html; charset=utf-8')
    .send(html);
}

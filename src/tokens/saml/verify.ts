/**
 * SAML 2.0 Response verification (security.md §1d) for AssumeRoleWithSAML, identity pools and
 * user-pool federation. Tessera's own pre-checks run on one strict parse (dom.ts) before any
 * cryptography: size and strict base64 (S18), no DOCTYPE (S10), one root (S11), a Response with
 * Success status (S17), exactly one Assertion anywhere in the document and no encrypted one (S02,
 * S01), every ds:Signature a direct child of the Response or the Assertion, at most one each and at
 * least one (S03, S04), exactly one SignedInfo and one Reference whose URI is `#` + the ID of the
 * element enveloping the signature, that ID unique in the document (S05), transforms and
 * algorithms from an allow-list (S07, S09). The signature itself is checked by xml-crypto (the
 * signature library of @node-saml/node-saml) with the provider's metadata certificates only,
 * never KeyInfo (S08), and what it verified is then compared with the canonical form of the node
 * Tessera reads, so identity is only ever read from the bytes a valid signature covers (S01, S12).
 * A Response signature covers its one assertion as well as an assertion signature does.
 *
 * After the signature: issuers (S14), Destination, one bearer SubjectConfirmation with Recipient
 * and NotOnOrAfter (S15), Conditions with the time bounds and audience (S13, S14), NameID and
 * attribute values read as single text nodes (S06). No storage: replay (S16) is the caller's, by
 * the returned assertion id and expiry.
 */
import { createHash } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import type { Element } from './dom.js';
import { Refusal } from '../../errors/index.js';
import { invalidToken } from '../refusals.js';
import { DS_NS, SAML_NS, SAMLP_NS, allElements, children, descendants, exactlyOne, optionalOne, parseXml, textValue } from './dom.js';

/** SAMLAssertionType: 4..100 000 characters (STS model); the same cap applies everywhere. */
export const MIN_SAML_LENGTH = 4;
export const MAX_SAML_LENGTH = 100_000;
/** Clock skew allowed on NotBefore / NotOnOrAfter. */
export const SAML_CLOCK_SKEW_SECONDS = 300;

const ALLOWED_SIGNATURE_METHODS = new Set([
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
]);
const ALLOWED_DIGEST_METHODS = new Set(['http://www.w3.org/2001/04/xmlenc#sha256', 'http://www.w3.org/2001/04/xmlenc#sha512']);
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const ALLOWED_TRANSFORMS = new Set([ENVELOPED, EXC_C14N]);
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const XSD_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The trust anchor: a registered SAML provider's metadata (issuer entity id and signing certificates). */
export interface SamlTrust {
  entityId: string;
  /** PEM certificates; the only keys a signature is checked with. */
  certificates: string[];
}

export interface SamlVerifyOptions {
  /** Accepted `Audience` values (exact strings). */
  audiences: string[];
  /** Accepted SubjectConfirmationData `Recipient` and Response `Destination` values (exact strings). */
  recipients: string[];
  now: Date;
  skewSeconds?: number;
  /** Accept CR/LF inside the base64 (HTTP-POST binding form posts); STS and Logins take none. */
  allowLineBreaks?: boolean;
  /** SP-initiated sign-in: the Response must answer exactly this request id. */
  inResponseTo?: string;
}

/** What a verified SAML Response says, read from the signed assertion only. */
export interface VerifiedSaml {
  issuer: string;
  /** The Assertion's ID (replay key together with the issuer). */
  assertionId: string;
  /** NameID text. */
  subject: string;
  /** NameID Format URI, if given. */
  subjectFormat?: string;
  nameQualifier?: string;
  spNameQualifier?: string;
  /** The Recipient of the bearer SubjectConfirmation (one of options.recipients). */
  recipient: string;
  /** The Audience matched (one of options.audiences). */
  audience: string;
  /** Attribute Name → values, in document order. */
  attributes: Record<string, string[]>;
  /** The earliest NotOnOrAfter of SubjectConfirmationData and Conditions. */
  expiresAt: Date;
  /** AuthnStatement SessionNotOnOrAfter, if any. */
  sessionNotOnOrAfter?: Date;
  /** The Response's InResponseTo, if any. */
  inResponseTo?: string;
}

function expired(message: string, expected: unknown, actual: unknown): Refusal {
  return new Refusal('ExpiredToken', message, { check: 'saml.time', expected, actual });
}

function dateAttr(e: Element, name: string, check: string): Date | undefined {
  const text = e.getAttribute(name);
  if (text === null || text === '') return undefined;
  const d = XSD_DATETIME.test(text) ? new Date(text) : undefined;
  if (!d || Number.isNaN(d.getTime())) throw invalidToken(check, `Invalid SAML response: ${e.localName} ${name} is not an xsd:dateTime.`, 'xsd:dateTime', text);
  return d;
}

/** Strict base64 (RFC 4648 §4, padding required), optionally with CR/LF line breaks. */
export function decodeSamlBase64(text: string, allowLineBreaks = false): string {
  if (text.length < MIN_SAML_LENGTH || text.length > MAX_SAML_LENGTH) {
    throw invalidToken('saml.size', 'Invalid SAML response: the assertion must be 4 to 100000 characters of base64.', `${MIN_SAML_LENGTH}..${MAX_SAML_LENGTH} characters`, text.length);
  }
  const compact = allowLineBreaks ? text.replace(/\r?\n/g, '') : text;
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
    throw invalidToken('saml.base64', 'Invalid SAML response: the assertion is not base64.', 'standard base64', 'other characters');
  }
  const bytes = Buffer.from(compact, 'base64');
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw invalidToken('saml.encoding', 'Invalid SAML response: the decoded assertion is not UTF-8.', 'UTF-8', 'invalid bytes');
  }
}

function idOf(e: Element): string {
  return e.getAttribute('ID') ?? '';
}

/** Structural checks of one ds:Signature (S05, S07, S09) and its binding to the element it sits in (S04). */
function checkSignatureShape(signature: Element, enveloping: Element): void {
  const signedInfo = exactlyOne(signature, DS_NS, 'SignedInfo', 'saml.signature.signed-info');
  const c14n = exactlyOne(signedInfo, DS_NS, 'CanonicalizationMethod', 'saml.signature.c14n').getAttribute('Algorithm');
  if (c14n !== EXC_C14N) throw invalidToken('saml.signature.c14n', 'Invalid SAML response: unsupported canonicalization.', EXC_C14N, c14n);
  const method = exactlyOne(signedInfo, DS_NS, 'SignatureMethod', 'saml.signature.method').getAttribute('Algorithm') ?? '';
  if (!ALLOWED_SIGNATURE_METHODS.has(method)) throw invalidToken('saml.signature.method', 'Invalid SAML response: signature algorithm not allowed.', [...ALLOWED_SIGNATURE_METHODS], method);
  const reference = exactlyOne(signedInfo, DS_NS, 'Reference', 'saml.signature.reference');
  const uri = reference.getAttribute('URI');
  const id = idOf(enveloping);
  if (id === '' || uri !== `#${id}`) {
    throw invalidToken('saml.signature.reference', 'Invalid SAML response: the signature does not reference the element that carries it.', `#${id}`, uri);
  }
  const transformsEl = optionalOne(reference, DS_NS, 'Transforms', 'saml.signature.transforms');
  const transforms = transformsEl ? children(transformsEl, DS_NS, 'Transform').map((t) => t.getAttribute('Algorithm') ?? '') : [];
  if (transforms.length > 2 || transforms.some((t) => !ALLOWED_TRANSFORMS.has(t)) || new Set(transforms).size !== transforms.length) {
    throw invalidToken('saml.signature.transforms', 'Invalid SAML response: signature transforms not allowed.', [ENVELOPED, EXC_C14N], transforms);
  }
  const digest = exactlyOne(reference, DS_NS, 'DigestMethod', 'saml.signature.digest').getAttribute('Algorithm') ?? '';
  if (!ALLOWED_DIGEST_METHODS.has(digest)) throw invalidToken('saml.signature.digest', 'Invalid SAML response: digest algorithm not allowed.', [...ALLOWED_DIGEST_METHODS], digest);
  const digestValue = exactlyOne(reference, DS_NS, 'DigestValue', 'saml.signature.digest');
  textValue(digestValue, 'saml.signature.digest');
  textValue(exactlyOne(signature, DS_NS, 'SignatureValue', 'saml.signature.value'), 'saml.signature.value');
}

/**
 * Checks one signature with each trusted certificate; returns when one verifies and what it
 * verified is exactly the canonical form of `enveloping` in Tessera's tree.
 */
function checkSignatureValue(xml: string, signature: Element, enveloping: Element, trust: SamlTrust): void {
  let lastError: unknown;
  for (const cert of trust.certificates) {
    const sig = new SignedXml({ publicCert: cert, getCertFromKeyInfo: () => null });
    try {
      sig.loadSignature(signature);
      if (!sig.checkSignature(xml)) continue;
    } catch (e) {
      lastError = e;
      continue;
    }
    const signed = sig.getSignedReferences();
    const references = sig.getReferences();
    if (signed.length !== 1 || references.length !== 1) break;
    // The canonical form of Tessera's node, computed the way xml-crypto computed what it verified.
    const canon = sig as unknown as { getCanonReferenceXml(doc: unknown, ref: unknown, node: unknown): string };
    const mine = canon.getCanonReferenceXml(enveloping.ownerDocument, references[0]!, enveloping);
    if (mine !== signed[0]) {
      throw invalidToken('saml.signature.binding', 'Invalid SAML response: the signed element is not the element read.', 'the verified bytes', 'a different element');
    }
    return;
  }
  throw invalidToken('saml.signature', 'Invalid SAML response: the signature could not be verified with the certificates of the SAML provider.', 'a valid signature', lastError instanceof Error ? lastError.message.slice(0, 200) : 'invalid');
}

function sha1Base64(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}

/** `SAML:namequalifier` (IAM user guide): base64(SHA-1(issuer + account id + "/" + provider name)). */
export function samlNameQualifier(issuer: string, accountId: string, providerName: string): string {
  return sha1Base64(`${issuer}${accountId}/${providerName}`);
}

/** Verifies a base64 SAML Response. Throws Refusal kind 'InvalidToken' or 'ExpiredToken'. */
export function verifySamlResponse(base64: string, trust: SamlTrust, options: SamlVerifyOptions): VerifiedSaml {
  const xml = decodeSamlBase64(base64, options.allowLineBreaks);
  const doc = parseXml(xml);
  const response = doc.documentElement!;
  if (response.namespaceURI !== SAMLP_NS || response.localName !== 'Response') {
    throw invalidToken('saml.response', 'Invalid SAML response: the root element must be a samlp:Response.', 'samlp:Response', `${response.namespaceURI ?? ''}:${response.localName}`);
  }

  // S17: status.
  const status = exactlyOne(response, SAMLP_NS, 'Status', 'saml.status');
  const code = exactlyOne(status, SAMLP_NS, 'StatusCode', 'saml.status').getAttribute('Value');
  if (code !== SUCCESS) throw invalidToken('saml.status', 'Invalid SAML response: the status is not Success.', SUCCESS, code);

  // S01/S02: exactly one Assertion in the whole document, a child of the Response; none encrypted.
  const assertions = descendants(response, SAML_NS, 'Assertion');
  if (assertions.length !== 1 || assertions[0]!.parentNode !== response) {
    throw invalidToken('saml.assertion.count', 'Invalid SAML response: expected exactly one Assertion, a child of the Response.', 1, assertions.length);
  }
  if (descendants(response, SAML_NS, 'EncryptedAssertion').length > 0) {
    throw invalidToken('saml.assertion.encrypted', 'Invalid SAML response: encrypted assertions are not supported.', 'a plain Assertion', 'EncryptedAssertion');
  }
  const assertion = assertions[0]!;

  // S05: IDs unique in the document.
  const ids = new Map<string, number>();
  for (const e of allElements(response)) {
    for (const name of ['ID', 'Id', 'id']) {
      const v = e.getAttribute(name);
      if (v !== null && v !== '') ids.set(v, (ids.get(v) ?? 0) + 1);
    }
  }
  const duplicated = [...ids].filter(([, n]) => n > 1).map(([v]) => v);
  if (duplicated.length) throw invalidToken('saml.id.duplicate', 'Invalid SAML response: an ID appears more than once.', 'unique IDs', duplicated);

  // S03/S04: where the signatures are.
  const signatures = descendants(response, DS_NS, 'Signature');
  const responseSignatures = children(response, DS_NS, 'Signature');
  const assertionSignatures = children(assertion, DS_NS, 'Signature');
  if (signatures.length !== responseSignatures.length + assertionSignatures.length || responseSignatures.length > 1 || assertionSignatures.length > 1) {
    throw invalidToken('saml.signature.placement', 'Invalid SAML response: a signature is somewhere other than the Response or its Assertion.', 'at most one signature on each of Response and Assertion', signatures.length);
  }
  if (signatures.length === 0) throw invalidToken('saml.signature.missing', 'Invalid SAML response: neither the Response nor its Assertion is signed.', 'a signature', 'none');
  const signed: Array<[Element, Element]> = [
    ...responseSignatures.map((s): [Element, Element] => [s, response]),
    ...assertionSignatures.map((s): [Element, Element] => [s, assertion]),
  ];
  for (const [signature, enveloping] of signed) checkSignatureShape(signature, enveloping);
  for (const [signature, enveloping] of signed) checkSignatureValue(xml, signature, enveloping, trust);

  // S14: issuers and destination.
  const responseIssuer = optionalOne(response, SAML_NS, 'Issuer', 'saml.issuer');
  if (responseIssuer && textValue(responseIssuer, 'saml.issuer') !== trust.entityId) {
    throw invalidToken('saml.issuer', 'Invalid SAML response: the Response Issuer is not the SAML provider.', trust.entityId, textValue(responseIssuer, 'saml.issuer'));
  }
  const issuer = textValue(exactlyOne(assertion, SAML_NS, 'Issuer', 'saml.issuer'), 'saml.issuer');
  if (issuer !== trust.entityId) throw invalidToken('saml.issuer', 'Invalid SAML response: the Assertion Issuer is not the SAML provider.', trust.entityId, issuer);
  const destination = response.getAttribute('Destination');
  if (destination !== null && destination !== '' && !options.recipients.includes(destination)) {
    throw invalidToken('saml.destination', 'Invalid SAML response: the Destination is not this service.', options.recipients, destination);
  }
  const inResponseTo = response.getAttribute('InResponseTo') || undefined;
  if (options.inResponseTo !== undefined && inResponseTo !== options.inResponseTo) {
    throw invalidToken('saml.in-response-to', 'Invalid SAML response: InResponseTo does not answer the request.', options.inResponseTo, inResponseTo ?? 'absent');
  }

  const now = options.now.getTime();
  const skew = (options.skewSeconds ?? SAML_CLOCK_SKEW_SECONDS) * 1000;

  // S15: subject and its one bearer confirmation.
  const subjectEl = exactlyOne(assertion, SAML_NS, 'Subject', 'saml.subject');
  const nameId = exactlyOne(subjectEl, SAML_NS, 'NameID', 'saml.subject.name-id');
  const subject = textValue(nameId, 'saml.subject.name-id');
  if (subject.trim() === '') throw invalidToken('saml.subject.name-id', 'Invalid SAML response: the NameID is empty.', 'a NameID', 'empty');
  const confirmation = exactlyOne(subjectEl, SAML_NS, 'SubjectConfirmation', 'saml.subject.confirmation');
  if (confirmation.getAttribute('Method') !== BEARER) {
    throw invalidToken('saml.subject.confirmation', 'Invalid SAML response: the SubjectConfirmation method is not bearer.', BEARER, confirmation.getAttribute('Method'));
  }
  const data = exactlyOne(confirmation, SAML_NS, 'SubjectConfirmationData', 'saml.subject.confirmation');
  const recipient = data.getAttribute('Recipient') ?? '';
  if (!options.recipients.includes(recipient)) {
    throw invalidToken('saml.recipient', 'Invalid SAML response: the Recipient is not this service.', options.recipients, recipient || 'absent');
  }
  const dataInResponseTo = data.getAttribute('InResponseTo') || undefined;
  if (options.inResponseTo !== undefined && dataInResponseTo !== undefined && dataInResponseTo !== options.inResponseTo) {
    throw invalidToken('saml.in-response-to', 'Invalid SAML response: InResponseTo does not answer the request.', options.inResponseTo, dataInResponseTo);
  }
  const confirmationExpiry = dateAttr(data, 'NotOnOrAfter', 'saml.time');
  if (!confirmationExpiry) throw invalidToken('saml.time', 'Invalid SAML response: SubjectConfirmationData has no NotOnOrAfter.', 'NotOnOrAfter', 'absent');
  const confirmationStart = dateAttr(data, 'NotBefore', 'saml.time');

  // S13/S14: conditions.
  const conditions = exactlyOne(assertion, SAML_NS, 'Conditions', 'saml.conditions');
  const notBefore = dateAttr(conditions, 'NotBefore', 'saml.time');
  const conditionsExpiry = dateAttr(conditions, 'NotOnOrAfter', 'saml.time');
  const expiresAt = conditionsExpiry && conditionsExpiry < confirmationExpiry ? conditionsExpiry : confirmationExpiry;
  if (expiresAt.getTime() <= now - skew) {
    throw expired('The SAML assertion has expired.', `NotOnOrAfter > ${new Date(now - skew).toISOString()}`, expiresAt.toISOString());
  }
  for (const start of [notBefore, confirmationStart]) {
    if (start && start.getTime() > now + skew) {
      throw invalidToken('saml.time', 'Invalid SAML response: the assertion is not yet valid.', `NotBefore <= ${new Date(now + skew).toISOString()}`, start.toISOString());
    }
  }
  const restrictions = children(conditions, SAML_NS, 'AudienceRestriction');
  if (restrictions.length === 0) throw invalidToken('saml.audience', 'Invalid SAML response: the assertion has no AudienceRestriction.', options.audiences, 'absent');
  let audience = '';
  for (const restriction of restrictions) {
    const values = children(restriction, SAML_NS, 'Audience').map((a) => textValue(a, 'saml.audience'));
    const match = values.find((v) => options.audiences.includes(v));
    if (match === undefined) throw invalidToken('saml.audience', 'Invalid SAML response: the Audience is not this service.', options.audiences, values);
    audience ||= match;
  }

  // Attributes and session bound.
  const attributes: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const statement of children(assertion, SAML_NS, 'AttributeStatement')) {
    if (children(statement, SAML_NS, 'EncryptedAttribute').length) {
      throw invalidToken('saml.attribute', 'Invalid SAML response: encrypted attributes are not supported.', 'plain attributes', 'EncryptedAttribute');
    }
    for (const attribute of children(statement, SAML_NS, 'Attribute')) {
      const name = attribute.getAttribute('Name') ?? '';
      if (name === '') continue;
      const values = children(attribute, SAML_NS, 'AttributeValue').map((v) => textValue(v, 'saml.attribute'));
      attributes[name] = [...(attributes[name] ?? []), ...values];
    }
  }
  let sessionNotOnOrAfter: Date | undefined;
  for (const authn of children(assertion, SAML_NS, 'AuthnStatement')) {
    const s = dateAttr(authn, 'SessionNotOnOrAfter', 'saml.time');
    if (s && (!sessionNotOnOrAfter || s < sessionNotOnOrAfter)) sessionNotOnOrAfter = s;
  }

  const out: VerifiedSaml = {
    issuer,
    assertionId: idOf(assertion),
    subject,
    recipient,
    audience,
    attributes: { ...attributes },
    expiresAt,
  };
  if (out.assertionId === '') throw invalidToken('saml.assertion.id', 'Invalid SAML response: the Assertion has no ID.', 'an ID', 'absent');
  const format = nameId.getAttribute('Format');
  if (format) out.subjectFormat = format;
  const nq = nameId.getAttribute('NameQualifier');
  if (nq) out.nameQualifier = nq;
  const spnq = nameId.getAttribute('SPNameQualifier');
  if (spnq) out.spNameQualifier = spnq;
  if (sessionNotOnOrAfter) out.sessionNotOnOrAfter = sessionNotOnOrAfter;
  if (inResponseTo) out.inResponseTo = inResponseTo;
  return out;
}

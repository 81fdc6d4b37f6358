/**
 * The one XML parser and DOM of SAML verification (@xmldom/xmldom, the version xml-crypto itself
 * uses): strict parsing with every parser complaint fatal, no DOCTYPE or entity declaration ever
 * reaching the parser (security.md S10), exactly one root element and nothing but whitespace
 * around it (S11), and helpers that read element children and single text values without
 * tolerating comments, processing instructions or CDATA splitting a value (S06).
 */
import { createRequire } from 'node:module';

/**
 * The part of the xmldom DOM Tessera reads. @xmldom/xmldom 0.8 (the version xml-crypto and so
 * every SAML library here is built on) declares its types with `/// <reference lib="dom" />`,
 * which would put the browser globals into the whole program; it is loaded untyped instead.
 */
export interface Node {
  readonly nodeType: number;
  readonly nodeValue: string | null;
  readonly firstChild: Node | null;
  readonly nextSibling: Node | null;
  readonly parentNode: Node | null;
  readonly textContent: string | null;
}
export interface Element extends Node {
  readonly namespaceURI: string | null;
  readonly localName: string;
  readonly ownerDocument: Document;
  getAttribute(name: string): string | null;
}
export interface Document extends Node {
  readonly documentElement: Element | null;
}
interface ErrorHandler {
  warning(message: string): void;
  error(message: string): void;
  fatalError(message: string): void;
}
export const DOMParser = (createRequire(import.meta.url)('@xmldom/xmldom') as {
  DOMParser: new (options?: { errorHandler?: ErrorHandler }) => { parseFromString(xml: string, mimeType: string): Document };
}).DOMParser;
import { invalidToken } from '../refusals.js';

export const SAMLP_NS = 'urn:oasis:names:tc:SAML:2.0:protocol';
export const SAML_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';
export const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;

/** Parses `xml` strictly; refusals carry check `saml.doctype` or `saml.xml`. */
export function parseXml(xml: string): Document {
  if (/<!DOCTYPE/i.test(xml) || /<!ENTITY/i.test(xml)) {
    throw invalidToken('saml.doctype', 'Invalid SAML response: DOCTYPE and entity declarations are not allowed.', 'no DOCTYPE', 'a DOCTYPE or ENTITY declaration');
  }
  if (xml.charCodeAt(0) === 0xfeff) {
    throw invalidToken('saml.xml', 'Invalid SAML response: the document is not well-formed XML.', 'no byte order mark', 'a byte order mark');
  }
  let doc: Document;
  try {
    const complain = (message: string) => {
      throw new Error(message);
    };
    doc = new DOMParser({ errorHandler: { warning: complain, error: complain, fatalError: complain } }).parseFromString(xml, 'text/xml');
  } catch (e) {
    throw invalidToken('saml.xml', 'Invalid SAML response: the document is not well-formed XML.', 'well-formed XML', String((e as Error)?.message ?? e).slice(0, 200));
  }
  let roots = 0;
  for (let n: Node | null = doc.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === ELEMENT_NODE) roots++;
    else if (n.nodeType === TEXT_NODE && (n.nodeValue ?? '').trim() !== '') roots = 99;
  }
  if (roots !== 1 || !doc.documentElement) {
    throw invalidToken('saml.xml', 'Invalid SAML response: the document must have exactly one root element.', 1, roots);
  }
  return doc;
}

export function isElement(n: Node | null | undefined, ns: string, localName: string): n is Element {
  return !!n && n.nodeType === ELEMENT_NODE && (n as Element).namespaceURI === ns && (n as Element).localName === localName;
}

export function children(parent: Element, ns: string, localName: string): Element[] {
  const out: Element[] = [];
  for (let n: Node | null = parent.firstChild; n; n = n.nextSibling) if (isElement(n, ns, localName)) out.push(n);
  return out;
}

/** Every descendant element (document order) with this name, the element itself included. */
export function descendants(root: Element, ns: string, localName: string): Element[] {
  const out: Element[] = [];
  const walk = (e: Element) => {
    if (e.namespaceURI === ns && e.localName === localName) out.push(e);
    for (let n: Node | null = e.firstChild; n; n = n.nextSibling) if (n.nodeType === ELEMENT_NODE) walk(n as Element);
  };
  walk(root);
  return out;
}

export function allElements(root: Element): Element[] {
  const out: Element[] = [];
  const walk = (e: Element) => {
    out.push(e);
    for (let n: Node | null = e.firstChild; n; n = n.nextSibling) if (n.nodeType === ELEMENT_NODE) walk(n as Element);
  };
  walk(root);
  return out;
}

/** The one child element of that name; a refusal (check `check`) for none or several. */
export function exactlyOne(parent: Element, ns: string, localName: string, check: string): Element {
  const found = children(parent, ns, localName);
  if (found.length !== 1) {
    throw invalidToken(check, `Invalid SAML response: expected exactly one ${localName} in ${parent.localName}.`, 1, found.length);
  }
  return found[0]!;
}

export function optionalOne(parent: Element, ns: string, localName: string, check: string): Element | undefined {
  const found = children(parent, ns, localName);
  if (found.length > 1) {
    throw invalidToken(check, `Invalid SAML response: expected at most one ${localName} in ${parent.localName}.`, '0 or 1', found.length);
  }
  return found[0];
}

/**
 * The text of an element whose content must be one plain text node (or nothing): a comment,
 * processing instruction, CDATA section or child element inside it is refused, so
 * `admin@corp.com<!---->.evil.com` can never be read as either half (security.md S06).
 */
export function textValue(e: Element, check: string): string {
  let text = '';
  let count = 0;
  for (let n: Node | null = e.firstChild; n; n = n.nextSibling) {
    if (n.nodeType !== TEXT_NODE) {
      throw invalidToken(check, `Invalid SAML response: ${e.localName} must contain text only.`, 'one text node', `a node of type ${n.nodeType}`);
    }
    text += n.nodeValue ?? '';
    count++;
  }
  if (count > 1) throw invalidToken(check, `Invalid SAML response: ${e.localName} must contain one text node.`, 1, count);
  return text;
}

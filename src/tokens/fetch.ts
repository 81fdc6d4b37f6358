/**
 * Outbound HTTPS GET of a JSON document (OpenID discovery, JWKS) or of any other document (SAML
 * metadata, fetchDocument), bounded in every dimension
 * (security.md N03/N06, invariant 6): https only, no redirects, a total deadline (5 s, jose's
 * `timeoutDuration`), a body cap (512 KiB) and a strict JSON parse.
 *
 * Trust follows IAM's OIDC provider rules (IAM user guide, "Obtain the thumbprint for an OpenID
 * Connect identity provider"; aws-surface.md §5.2 step 4): a server is trusted when its chain
 * verifies against Node's default store (system CAs plus NODE_EXTRA_CA_CERTS) and names the
 * host, OR, when thumbprints are configured, when any certificate it presents has a SHA-1
 * fingerprint in the list (IAM pins the top intermediate / root, or the self-signed leaf) and
 * the leaf still names the host. The TLS handshake is completed and judged before a single
 * byte of the HTTP request is written.
 *
 * Every failure is a `Refusal` of kind 'IdpCommunication' (rendered as IDPCommunicationError /
 * ExternalServiceException by the services); a status other than 200 is check 'fetch.status' with
 * the status as `actual`, so that an introspection endpoint's 4xx ("this token is not valid") can
 * be told from a failing provider (tokens/social/).
 */
import { createHash, X509Certificate } from 'node:crypto';
import { request, type IncomingMessage } from 'node:http';
import { connect, checkServerIdentity, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import { isIP } from 'node:net';
import { Refusal } from '../errors/index.js';
import { parseStrictJson } from '../json/strict-json.js';

export interface FetchJsonOptions {
  /** SHA-1 fingerprints (40 hex) of certificates to trust in the presented chain. */
  thumbprints?: readonly string[];
  timeoutMs?: number;
  maxBytes?: number;
  /** Extra request headers (an OAuth 1.0a Authorization header for Twitter). */
  headers?: Readonly<Record<string, string>>;
}

export type FetchJson = (url: string, options?: FetchJsonOptions) => Promise<unknown>;

export interface FetchDocumentOptions extends FetchJsonOptions {
  /** The Accept header (default `*\/*`). */
  accept?: string;
}

/** GETs `url` under the same bounds as fetchJson and returns the body as UTF-8 text, unparsed. */
export type FetchDocument = (url: string, options?: FetchDocumentOptions) => Promise<string>;

export const FETCH_DEFAULTS = { timeoutMs: 5000, maxBytes: 512 * 1024 } as const;

function refuse(check: string, message: string, expected: unknown, actual: unknown, cause?: unknown): Refusal {
  return new Refusal('IdpCommunication', message, { check, expected, actual }, cause === undefined ? undefined : { cause });
}

/** SHA-1 fingerprint of a DER certificate as 40 lower-case hex digits (IAM thumbprint form). */
export function thumbprintOf(der: Uint8Array): string {
  return createHash('sha1').update(der).digest('hex');
}

/** Every certificate the server presented, leaf first (the issuer links stop at a self-signed cert). */
function presentedChain(socket: TLSSocket): DetailedPeerCertificate[] {
  const chain: DetailedPeerCertificate[] = [];
  let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (cert && cert.raw && !chain.includes(cert) && chain.length < 16) {
    chain.push(cert);
    cert = cert.issuerCertificate === cert ? undefined : cert.issuerCertificate;
  }
  return chain;
}

/** Decides whether the handshake yields a trusted server; returns a Refusal otherwise. */
function judgeTls(socket: TLSSocket, host: string, thumbprints: readonly string[]): Refusal | undefined {
  // `authorized` already covers chain validation against the default store AND the host name
  // check (Node runs checkServerIdentity before setting it).
  if (socket.authorized) return undefined;
  const chain = presentedChain(socket);
  const wanted = new Set(thumbprints.map((t) => t.toLowerCase()));
  const seen = chain.map((c) => thumbprintOf(c.raw));
  if (wanted.size === 0 || !seen.some((t) => wanted.has(t))) {
    return refuse('fetch.tls', `TLS certificate of ${host} is not trusted: ${socket.authorizationError}`,
      wanted.size ? [...wanted] : 'a certificate chain trusted by the system store', { error: String(socket.authorizationError), chain: seen });
  }
  // Pinned by thumbprint: the leaf must still be valid now and name the host we asked for.
  const leaf = chain[0]!;
  const x509 = new X509Certificate(leaf.raw);
  const now = Date.now();
  if (now < Date.parse(x509.validFrom) || now > Date.parse(x509.validTo)) {
    return refuse('fetch.tls', `TLS certificate of ${host} is outside its validity period`, 'a currently valid certificate', { validFrom: x509.validFrom, validTo: x509.validTo });
  }
  const mismatch = checkServerIdentity(host, leaf);
  if (mismatch) return refuse('fetch.tls', `TLS certificate does not name ${host}`, host, leaf.subjectaltname ?? leaf.subject, mismatch);
  return undefined;
}

/** The URL for messages and logs: an access token in the query never reaches a log. */
function redactQuery(url: URL): string {
  return url.search ? `${url.origin}${url.pathname}?…` : url.href;
}

/** GETs `url` and returns its JSON body. */
export const fetchJson: FetchJson = async (url, options = {}) => {
  const text = await fetchDocument(url, { ...options, accept: 'application/json' });
  try {
    return parseStrictJson(text);
  } catch (e) {
    let shown = url;
    try {
      shown = redactQuery(new URL(url));
    } catch {
      // fetchDocument has already refused a non-URL
    }
    throw refuse('fetch.json', `${shown} did not return JSON`, 'a JSON document', (e as Error).message, e);
  }
};

/** GETs `url` and returns its body as text (https only, no redirects, deadline, size cap, trust as above). */
export const fetchDocument: FetchDocument = (url, options = {}) => {
  const timeoutMs = options.timeoutMs ?? FETCH_DEFAULTS.timeoutMs;
  const maxBytes = options.maxBytes ?? FETCH_DEFAULTS.maxBytes;
  const thumbprints = options.thumbprints ?? [];
  let target: URL;
  try {
    target = new URL(url);
  } catch (e) {
    return Promise.reject(refuse('fetch.url', `not a URL: ${url}`, 'an https:// URL', url, e));
  }
  if (target.protocol !== 'https:' || target.username || target.password) {
    return Promise.reject(refuse('fetch.url', `only https:// URLs without credentials are fetched`, 'https://host/path', url));
  }
  // URL keeps brackets around IPv6 literals; TLS and the identity check want them bare.
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(target.port || 443);

  return new Promise<string>((resolve, reject) => {
    let settled = false;
    let socket: TLSSocket | undefined;
    const finish = (err: Refusal | undefined, value?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket?.destroy();
      if (err) reject(err);
      else resolve(value ?? '');
    };
    const timer = setTimeout(
      () => finish(refuse('fetch.timeout', `no complete answer from ${target.host} within ${timeoutMs} ms`, `≤ ${timeoutMs} ms`, 'timeout')),
      timeoutMs,
    );

    socket = connect({
      host,
      port,
      // SNI must not carry IP literals (RFC 6066 §3).
      ...(isIP(host) ? {} : { servername: host }),
      rejectUnauthorized: false, // judged below, so that thumbprint pinning can apply
      ALPNProtocols: ['http/1.1'],
    });
    socket.once('error', (e) => finish(refuse('fetch.network', `cannot reach ${target.host}: ${e.message}`, 'a TLS connection', (e as NodeJS.ErrnoException).code ?? e.message, e)));
    socket.once('secureConnect', () => {
      const distrust = judgeTls(socket!, host, thumbprints);
      if (distrust) return finish(distrust);
      const req = request({
        host,
        port,
        path: `${target.pathname}${target.search}`,
        method: 'GET',
        headers: { ...options.headers, host: target.host, accept: options.accept ?? '*/*', 'accept-encoding': 'identity', 'user-agent': 'tessera' },
        createConnection: () => socket!,
      });
      req.once('error', (e) => finish(refuse('fetch.network', `request to ${target.host} failed: ${e.message}`, 'an HTTP response', e.message, e)));
      req.once('response', (res: IncomingMessage) => onResponse(res));
      req.end();
    });

    const onResponse = (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      if (status !== 200) {
        // Redirects are not followed: a 30x could point anywhere (N02).
        res.resume();
        return finish(refuse('fetch.status', `${redactQuery(target)} answered HTTP ${status}`, 200, status));
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        return finish(refuse('fetch.size', `${redactQuery(target)} body too large`, `≤ ${maxBytes} bytes`, declared));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) return finish(refuse('fetch.size', `${redactQuery(target)} body too large`, `≤ ${maxBytes} bytes`, `> ${maxBytes}`));
        chunks.push(chunk);
      });
      res.once('error', (e) => finish(refuse('fetch.network', `reading ${redactQuery(target)} failed: ${e.message}`, 'a complete body', e.message, e)));
      res.once('aborted', () => finish(refuse('fetch.network', `${redactQuery(target)} closed the connection early`, 'a complete body', 'aborted')));
      res.once('end', () => {
        if (settled) return;
        finish(undefined, Buffer.concat(chunks).toString('utf8'));
      });
    };
  });
};

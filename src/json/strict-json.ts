/**
 * The one strict JSON reader of Tessera (request bodies, tokens, fetched JWKS and discovery
 * documents). It refuses what `JSON.parse` silently accepts: duplicate member names in any
 * object (RFC 7515 §5.2 step 4 / RFC 7519 §7.2 step 4: "MUST reject"; security.md J21 —
 * `{"sub":"alice","sub":"admin"}` would otherwise read as admin) and unbounded nesting (J24: a
 * 100 000-deep array must be a 4xx, never a stack overflow).
 *
 * It first scans the text with a small grammar-checking scanner that decodes every member name
 * (so `"a"` and `"\u0061"` collide) and tracks depth iteratively, then hands the text to
 * `JSON.parse`, which is safe once the depth is known to be bounded. The scanner reads character
 * codes and skips values without decoding them (only a name with an escape is decoded): 3–4 µs for
 * a GetCredentialsForIdentity body or a token payload, against 7–9 µs for the first version, which
 * decoded every string and compared characters as one-character strings (issue #5; the property
 * test in test/unit/json/strict-json.test.ts holds it to JSON.parse's grammar).
 */

export class StrictJsonError extends Error {
  constructor(
    message: string,
    readonly kind: 'syntax' | 'duplicate-member' | 'depth',
    /** The duplicated member name (kind 'duplicate-member'). */
    readonly member?: string,
  ) {
    super(message);
    this.name = 'StrictJsonError';
  }
}

/** Parses `text`; throws StrictJsonError on a syntax error, a duplicate member or excess depth. */
export function parseStrictJson(text: string, maxDepth = 64): unknown {
  scan(text, maxDepth);
  return JSON.parse(text);
}

interface Frame {
  object: boolean;
  /** Member names seen so far in this object (decoded); a Set once there are many. */
  names: string[] | Set<string> | undefined;
}

/**
 * An object's names are kept in an array while there are few and they are short, and in a Set from
 * then on: comparing a name against a few short ones is cheaper than hashing it, but comparing long
 * names that share a prefix one by one is not.
 */
const NAMES_IN_ARRAY = 16;
const SHORT_NAME = 256;

// Sticky expressions (matched at lastIndex only), so the scanner matches in place, cutting nothing.
/** The longest run of string characters that need no attention: not a quote, backslash or control. */
const STRING_RUN = /[^"\\\u0000-\u001f]*/y;
const HEX4 = /[0-9A-Fa-f]{4}/y;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** The characters a backslash may escape besides `u` (RFC 8259 §7): " \ / b f n r t. */
const SIMPLE_ESCAPES = new Set([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);

// The scanner's state: the text and the offset it has reached. Module-level, so the helpers below
// are not closures made anew by every scan; a scan never starts another (it calls only JSON.parse,
// on a member name).
let text = '';
let n = 0;
let i = 0;

function fail(msg: string): never {
  throw new StrictJsonError(`${msg} at offset ${i}`, 'syntax');
}

function skipWs(): void {
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
  }
}

/** Skips the string literal at `i` (its opening quote); true when it holds an escape. */
function skipString(): boolean {
  i++; // opening quote
  let escaped = false;
  for (;;) {
    STRING_RUN.lastIndex = i;
    STRING_RUN.test(text);
    i = STRING_RUN.lastIndex;
    if (i >= n) fail('unterminated string');
    const c = text.charCodeAt(i);
    if (c === QUOTE) break;
    if (c !== BACKSLASH) fail('control character in string');
    escaped = true;
    const e = text.charCodeAt(i + 1);
    if (e === 0x75) {
      HEX4.lastIndex = i + 2;
      if (!HEX4.test(text)) fail('bad \\u escape');
      i += 6;
    } else if (SIMPLE_ESCAPES.has(e)) i += 2;
    else fail('bad escape');
  }
  i++; // closing quote
  return escaped;
}

/** A member name, decoded (so "a" and "\u0061" are one name). */
function readName(): string {
  const start = i;
  const escaped = skipString();
  return escaped ? (JSON.parse(text.slice(start, i)) as string) : text.slice(start + 1, i - 1);
}

/** Skips decimal digits at `i`; returns how many. */
function digits(): number {
  const from = i;
  for (let c = text.charCodeAt(i); c >= 0x30 && c <= 0x39; c = text.charCodeAt(i)) i++;
  return i - from;
}

/** A number (-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?), true, false or null. */
function readScalar(): void {
  const start = i;
  const c = text.charCodeAt(i);
  if (c === 0x74 || c === 0x66 || c === 0x6e) {
    const word = c === 0x74 ? 'true' : c === 0x66 ? 'false' : 'null';
    if (!text.startsWith(word, i)) fail('unexpected character');
    i += word.length;
    return;
  }
  if (c === 0x2d) i++;
  const first = text.charCodeAt(i);
  let ok = first === 0x30 ? (i++, true) : first >= 0x31 && first <= 0x39 ? digits() > 0 : false;
  if (ok && text.charCodeAt(i) === 0x2e) {
    i++;
    ok = digits() > 0;
  }
  const e = text.charCodeAt(i);
  if (ok && (e === 0x65 || e === 0x45)) {
    i++;
    const sign = text.charCodeAt(i);
    if (sign === 0x2b || sign === 0x2d) i++;
    ok = digits() > 0;
  }
  if (!ok) {
    i = start;
    fail('unexpected character');
  }
}

/**
 * Checks the grammar (RFC 8259) in one pass over character codes, decoding nothing but member
 * names, and only those that hold an escape; values are skipped, since JSON.parse reads them after.
 * It accepts exactly what JSON.parse accepts, so every malformed text is a StrictJsonError here.
 */
function scan(input: string, maxDepth: number): void {
  text = input;
  n = input.length;
  i = 0;
  try {
    scanValues(maxDepth);
  } finally {
    text = ''; // keep nothing of the input alive between scans
  }
}

function scanValues(maxDepth: number): void {
  const stack: Frame[] = [];
  /** Reads one value; containers push a frame and return (iterative, no recursion). */
  const readValue = (): void => {
    skipWs();
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      const object = c === 0x7b;
      if (stack.length >= maxDepth) throw new StrictJsonError(`nesting deeper than ${maxDepth}`, 'depth');
      stack.push({ object, names: undefined });
      i++;
      skipWs();
      if (text.charCodeAt(i) === (object ? 0x7d : 0x5d)) {
        stack.pop();
        i++;
        return;
      }
      if (object) readMember();
      else readValue();
      return;
    }
    if (c === QUOTE) skipString();
    else readScalar();
  };
  const readMember = (): void => {
    skipWs();
    if (text.charCodeAt(i) !== QUOTE) fail('expected member name');
    const name = readName();
    const frame = stack[stack.length - 1]!;
    let names = frame.names;
    if (Array.isArray(names) && (names.length >= NAMES_IN_ARRAY || name.length > SHORT_NAME)) names = frame.names = new Set(names);
    if (names === undefined) frame.names = name.length > SHORT_NAME ? new Set([name]) : [name];
    else if (Array.isArray(names)) {
      if (names.includes(name)) duplicate(name);
      names.push(name);
    } else {
      if (names.has(name)) duplicate(name);
      names.add(name);
    }
    skipWs();
    if (text.charCodeAt(i) !== 0x3a) fail("expected ':'");
    i++;
    readValue();
  };

  readValue();
  // After each completed value: close containers or continue with the next element.
  for (;;) {
    skipWs();
    const frame = stack[stack.length - 1];
    if (!frame) break;
    const c = text.charCodeAt(i);
    if (c === 0x2c) {
      i++;
      if (frame.object) readMember();
      else readValue();
    } else if (c === (frame.object ? 0x7d : 0x5d)) {
      i++;
      stack.pop();
    } else fail('expected , or closing bracket');
  }
  if (i !== n) fail('trailing characters');
}

function duplicate(name: string): never {
  throw new StrictJsonError(`duplicate member name ${JSON.stringify(name)}`, 'duplicate-member', name);
}

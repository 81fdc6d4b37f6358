/**
 * The one strict JSON reader of Tessera (request bodies, tokens, fetched JWKS and discovery
 * documents). It refuses what `JSON.parse` silently accepts: duplicate member names in any
 * object (RFC 7515 §5.2 step 4 / RFC 7519 §7.2 step 4: "MUST reject"; security.md J21 —
 * `{"sub":"alice","sub":"admin"}` would otherwise read as admin) and unbounded nesting (J24: a
 * 100 000-deep array must be a 4xx, never a stack overflow).
 *
 * It first scans the text with a small grammar-checking scanner that decodes every member name
 * (so `"a"` and `"\u0061"` collide) and tracks depth iteratively, then hands the text to
 * `JSON.parse`, which is safe once the depth is known to be bounded.
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

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** Parses `text`; throws StrictJsonError on a syntax error, a duplicate member or excess depth. */
export function parseStrictJson(text: string, maxDepth = 64): unknown {
  scan(text, maxDepth);
  return JSON.parse(text);
}

interface Frame {
  kind: 'object' | 'array';
  names: Set<string> | undefined;
}

function scan(text: string, maxDepth: number): void {
  let i = 0;
  const stack: Frame[] = [];
  const fail = (msg: string): never => {
    throw new StrictJsonError(`${msg} at offset ${i}`, 'syntax');
  };
  const skipWs = () => {
    while (i < text.length && WS.has(text.charCodeAt(i))) i++;
  };
  const readString = (): string => {
    const start = i;
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) fail('control character in string');
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('bad \\u escape');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail('bad escape');
      } else i++;
    }
    i++; // closing quote
    return JSON.parse(text.slice(start, i)) as string;
  };
  const readScalar = () => {
    const rest = text.slice(i, i + 400);
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(rest);
    if (!m) fail('unexpected character');
    i += m![0].length;
  };
  /** Reads one value; containers push a frame and return (iterative, no recursion). */
  const readValue = () => {
    skipWs();
    const c = text[i];
    if (c === '{' || c === '[') {
      if (stack.length >= maxDepth) throw new StrictJsonError(`nesting deeper than ${maxDepth}`, 'depth');
      stack.push({ kind: c === '{' ? 'object' : 'array', names: c === '{' ? new Set() : undefined });
      i++;
      skipWs();
      if (text[i] === (c === '{' ? '}' : ']')) {
        stack.pop();
        i++;
        return;
      }
      if (c === '{') readMember();
      else readValue();
      return;
    }
    if (c === '"') readString();
    else readScalar();
  };
  const readMember = () => {
    skipWs();
    if (text[i] !== '"') fail('expected member name');
    const name = readString();
    const frame = stack[stack.length - 1]!;
    if (frame.names!.has(name)) throw new StrictJsonError(`duplicate member name ${JSON.stringify(name)}`, 'duplicate-member', name);
    frame.names!.add(name);
    skipWs();
    if (text[i] !== ':') fail("expected ':'");
    i++;
    readValue();
  };

  readValue();
  // After each completed value: close containers or continue with the next element.
  for (;;) {
    skipWs();
    const frame = stack[stack.length - 1];
    if (!frame) break;
    const c = text[i];
    if (c === ',') {
      i++;
      if (frame.kind === 'object') readMember();
      else readValue();
    } else if ((c === '}' && frame.kind === 'object') || (c === ']' && frame.kind === 'array')) {
      i++;
      stack.pop();
    } else fail('expected , or closing bracket');
  }
  if (i !== text.length) fail('trailing characters');
}

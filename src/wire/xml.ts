/**
 * XML text escaping for awsQuery responses (XML 1.0, W3C REC-xml §2.2 Char and §2.4 CharData).
 *
 * `& < > " '` become entities so the output is safe in element text and in attribute values.
 * `\r` becomes `&#13;`: a literal CR would be normalised to LF by every parser (§2.11), changing
 * the value the client sees. Characters XML 1.0 cannot carry at all, not even as character
 * references (C0 controls other than TAB/LF/CR, lone surrogates, U+FFFE, U+FFFF), are replaced by
 * U+FFFD so a hostile stored value can never make a response unparseable.
 */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
};

// With the `u` flag a surrogate range only matches *lone* surrogates; paired ones are one code point.
const NEEDS_ESCAPE = /[&<>"'\r]|[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/gu;

export function escapeXml(text: string): string {
  return text.replace(NEEDS_ESCAPE, (c) => ENTITIES[c] ?? '\uFFFD');
}

/** `<name>escaped text</name>`; `name` comes from the model, never from the request. */
export function xmlElement(name: string, text: string): string {
  return `<${name}>${escapeXml(text)}</${name}>`;
}

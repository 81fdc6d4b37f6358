import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { escapeXml, xmlElement } from '../../../src/wire/index.js';

test('the five XML special characters become entities', () => {
  assert.equal(escapeXml(`<&>"'`), '&lt;&amp;&gt;&quot;&apos;');
  assert.equal(escapeXml('plain text é 😀'), 'plain text é 😀');
});

test('a carriage return survives parsing as &#13; instead of being normalised to LF', () => {
  assert.equal(escapeXml('a\r\nb'), 'a&#13;\nb');
  const parsed = new XMLParser({ parseTagValue: false, htmlEntities: true }).parse(`<x>${escapeXml('a\r\nb')}</x>`);
  assert.equal(parsed.x, 'a\r\nb');
});

test('characters XML 1.0 cannot carry are replaced so the document stays well-formed', () => {
  const hostile = 'nul\u0000 bell\u0007 lone\uD800 end\uFFFF';
  const escaped = escapeXml(hostile);
  assert.equal(escaped, 'nul\uFFFD bell\uFFFD lone\uFFFD end\uFFFD');
  assert.equal(XMLValidator.validate(xmlElement('Message', hostile)), true);
  assert.equal(escapeXml('tab\tnl\n'), 'tab\tnl\n');
});

/** X-Amz-Date parsing and formatting (src/sigv4/time.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatAmzDate, parseAmzDate } from '../../../src/sigv4/time.js';

test('formats an instant as ISO 8601 basic format to the second', () => {
  assert.equal(formatAmzDate(new Date('2015-08-30T12:36:00.999Z')), '20150830T123600Z');
  assert.equal(formatAmzDate(new Date('0001-01-01T00:00:00Z')), '00010101T000000Z');
});

test('formats every instant as the ISO string without separators and milliseconds', () => {
  fc.assert(
    fc.property(fc.date({ min: new Date(Date.UTC(-5000, 0, 1)), max: new Date(Date.UTC(20000, 0, 1)), noInvalidDate: true }), (date) => {
      assert.equal(formatAmzDate(date), date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, ''));
    }),
    { numRuns: 500 },
  );
});

test('parses what it formats, for any instant of years 0100–9999 at whole seconds', () => {
  fc.assert(
    fc.property(fc.integer({ min: Date.UTC(100, 0, 1) / 1000, max: Date.UTC(9999, 11, 31, 23, 59, 59) / 1000 }), (seconds) => {
      const date = new Date(seconds * 1000);
      assert.equal(parseAmzDate(formatAmzDate(date))?.getTime(), date.getTime());
    }),
    { numRuns: 500 },
  );
});

test('refuses malformed values and dates that roll over', () => {
  for (const bad of ['20150230T000000Z', '20150830T250000Z', '20150830T126000Z', '20150830T123660Z', '20151301T000000Z', '20150800T000000Z', '00500101T000000Z', '2015-08-30T12:36:00Z', '20150830T123600', '20150830T123600Z ', '']) {
    assert.equal(parseAmzDate(bad), undefined, bad);
  }
  assert.equal(parseAmzDate('20160229T235959Z')?.toISOString(), '2016-02-29T23:59:59.000Z');
});

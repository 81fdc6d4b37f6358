/**
 * The node flags a cluster primary gives its workers (src/cli/cluster.ts): its own flags, plus a
 * young-generation cap that bounds each worker's resident heap, unless the operator chose a
 * semi-space size already (on the command line or in NODE_OPTIONS).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WORKER_SEMI_SPACE_MIB, workerExecArgv } from '../../../src/cli/cluster.js';

const CAP = `--max-semi-space-size=${WORKER_SEMI_SPACE_MIB}`;

test('workers get the primary’s flags followed by the semi-space cap', () => {
  assert.deepEqual(workerExecArgv(['--enable-source-maps']), ['--enable-source-maps', CAP]);
  assert.deepEqual(workerExecArgv([]), [CAP]);
});

test('a semi-space size the operator set on the command line is kept and not overridden', () => {
  assert.deepEqual(workerExecArgv(['--max-semi-space-size=32']), ['--max-semi-space-size=32']);
  assert.deepEqual(workerExecArgv(['--max-semi-space-size', '2']), ['--max-semi-space-size', '2']);
  assert.deepEqual(workerExecArgv(['--min_semi_space_size=4']), ['--min_semi_space_size=4']);
});

test('a semi-space size set in NODE_OPTIONS is kept (the workers inherit it) and not overridden', () => {
  assert.deepEqual(workerExecArgv([], '--max-old-space-size=512 --max-semi-space-size=16'), []);
  assert.deepEqual(workerExecArgv([], '--max-old-space-size=512'), [CAP]);
});

test('flags that merely resemble the semi-space flag do not count as a choice', () => {
  assert.deepEqual(workerExecArgv(['--max-semi-space-size-foo=1']), ['--max-semi-space-size-foo=1', CAP]);
});

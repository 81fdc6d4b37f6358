/** `--dev-idps` / TESSERA_DEV_IDPS: implied by demo mode, loopback only, one process. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { configFromEnv, loadConfig } from '../../../src/config/index.js';

describe('the dev-idps option', () => {
  it('is off by default, on with --demo, and on by itself with --dev-idps', () => {
    assert.equal(loadConfig({}).devIdps, false);
    assert.equal(loadConfig({ demo: true }).devIdps, true);
    assert.equal(loadConfig({ devIdps: true }).devIdps, true);
    assert.equal(loadConfig({ devIdps: true }).demo, false);
    assert.equal(loadConfig(configFromEnv({ TESSERA_DEV_IDPS: '1' })).devIdps, true);
  });

  it('is refused with a non-loopback host, with several workers, and with a value that is not a boolean', () => {
    assert.throws(() => loadConfig({ devIdps: true, host: '0.0.0.0' }), /loopback only/);
    assert.throws(() => loadConfig({ devIdps: true, workers: 2 }), /one process/);
    assert.throws(() => loadConfig({ devIdps: 'yes' }), /dev-idps must be true or false/);
  });
});

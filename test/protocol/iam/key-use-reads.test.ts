/**
 * Storage reads for a request signed with an IAM user's access key, counted over real SQLite:
 * the key and its user are read once to authenticate (so a deactivated key is refused at once on
 * every node), and recording the key's last use (GetAccessKeyLastUsed, one-minute granularity)
 * does not read them again while this instance has recorded that use within the minute.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateAccessKeyCommand, CreateUserCommand, GetAccessKeyLastUsedCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { loadConfig } from '../../../src/config/index.js';
import { createTessera, type Tessera } from '../../../src/app.js';
import { countingStorage, type CountingStorage } from '../cognito-identity/counting-storage.js';

const ROOT = { accessKeyId: 'AKIAKEYUSEREADS00001', secretAccessKey: 'key-use-reads-root-secret-000000000000' };

describe('reads per request signed with an IAM user key', () => {
  let dataDir: string;
  let tessera: Tessera;
  let storage!: CountingStorage;
  let url: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tessera-key-reads-'));
    tessera = await createTessera(
      loadConfig({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', rootAccessKeyId: ROOT.accessKeyId, rootSecretAccessKey: ROOT.secretAccessKey }),
      { wrapStorage: (inner) => (storage = countingStorage(inner)) },
    );
    ({ url } = await tessera.listen());
  });
  after(async () => {
    await tessera.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reads the key records once per request and writes the last use once a minute, not per request', async () => {
    const iam = new IAMClient({ endpoint: url, region: 'us-east-1', credentials: ROOT });
    await iam.send(new CreateUserCommand({ UserName: 'reader' }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'reader' }));
    const sts = new STSClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! } });
    try {
      await sts.send(new GetCallerIdentityCommand({})); // records the first use
      storage.reset();
      const me = await sts.send(new GetCallerIdentityCommand({}));
      assert.match(me.Arn!, /:user\/reader$/);
      const summary = storage.summary();
      assert.equal(summary['iam.access-key-ids.get'], 1, JSON.stringify(summary));
      assert.equal(summary['iam.access-keys.get'], 1, JSON.stringify(summary));
      assert.equal(summary['iam.access-keys.update'] ?? 0, 0, JSON.stringify(summary));
      const used = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: AccessKey!.AccessKeyId! }));
      assert.equal(used.AccessKeyLastUsed?.ServiceName, 'sts');
    } finally {
      iam.destroy();
      sts.destroy();
    }
  });
});

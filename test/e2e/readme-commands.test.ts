/**
 * The README's first AWS commands work as written, with every client a newcomer may have: the
 * shell block under "Point any AWS client at it" is run by bash with the AWS CLI on the machine
 * (version 1, which reads only AWS_DEFAULT_REGION), and the same environment drives boto3 and the
 * JavaScript SDK (which reads only AWS_REGION). Only the endpoint and the credentials are filled in;
 * the environment is otherwise emptied of AWS settings, and no config file is read.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../helpers/paths.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const run = promisify(execFile);

/** The README's shell block that starts with `export AWS_ENDPOINT_URL=`. */
function readmeBlock(): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const block = /```sh\n(export AWS_ENDPOINT_URL=[\s\S]*?)```/.exec(readme);
  assert.ok(block, 'README has a shell block that sets AWS_ENDPOINT_URL');
  return block[1]!;
}

describe("the README's first AWS commands", () => {
  let server: TestServer;
  let home: string;
  let script: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    server = await startTestServer();
    home = mkdtempSync(join(tmpdir(), 'tessera-readme-'));
    const block = readmeBlock();
    assert.match(block, /^aws sts get-caller-identity$/m);
    script = block
      .replace('http://localhost:4590', server.url)
      .replace('AWS_ACCESS_KEY_ID=…', `AWS_ACCESS_KEY_ID=${server.rootCredentials.accessKeyId}`)
      .replace('AWS_SECRET_ACCESS_KEY=…', `AWS_SECRET_ACCESS_KEY=${server.rootCredentials.secretAccessKey}`);
    assert.doesNotMatch(script, /…/, 'every placeholder was filled in');
    // A newcomer's shell: no AWS settings but what the README exports, no ~/.aws.
    env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
    Object.assign(env, { HOME: home, AWS_PAGER: '' });
  });
  after(async () => {
    await server.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('run as written with the AWS CLI, they print the root identity and list the roles', async () => {
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], { env });
    assert.match(stdout, /arn:aws:iam::000000000000:root/);
    assert.match(stdout, /"Roles"/);
  });

  it('the same environment works for boto3', async () => {
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', `${exportsOnly(script)}\npython3 -c 'import boto3; print(boto3.client("sts").get_caller_identity()["Arn"])'`], { env });
    assert.equal(stdout.trim(), 'arn:aws:iam::000000000000:root');
  });

  it('the same environment works for the AWS SDK for JavaScript', async () => {
    const js = `import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts'; const sts = new STSClient({}); console.log((await sts.send(new GetCallerIdentityCommand({}))).Arn);`;
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', `${exportsOnly(script)}\nnode --input-type=module -e "$JS"`], { env: { ...env, JS: js }, cwd: repoRoot });
    assert.equal(stdout.trim(), 'arn:aws:iam::000000000000:root');
  });
});

/** The block's export lines, without its commands. */
function exportsOnly(script: string): string {
  return script
    .split('\n')
    .filter((line) => line.startsWith('export '))
    .join('\n');
}

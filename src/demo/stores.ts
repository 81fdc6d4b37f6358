/**
 * The demo's local data stores: `moto_server` (an S3- and DynamoDB-compatible server) on
 * 127.0.0.1 with an OS-chosen port, started by Tessera itself in demo mode so the data step works
 * offline, then seeded with the demo bucket and table. When moto_server is not installed the demo
 * runs without a data step (the caller logs why). Stopped with its own handle (`close()` ends
 * the child by its pid).
 */
import { spawn } from 'node:child_process';
import { request } from 'node:http';

export interface DemoStores {
  /** Base URL of the S3- and DynamoDB-compatible endpoint (no trailing slash). */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts moto_server; resolves `{ error }` when it cannot be started (not installed, exited). */
export async function startDemoStores(options: { command?: string; timeoutMs?: number } = {}): Promise<DemoStores | { error: string }> {
  const command = options.command ?? 'moto_server';
  const child = spawn(command, ['-H', '127.0.0.1', '-p', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started = await new Promise<string | { error: string }>((resolve) => {
    let seen = '';
    const timer = setTimeout(() => resolve({ error: `${command} did not report its address within ${options.timeoutMs ?? 30_000} ms` }), options.timeoutMs ?? 30_000);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const m = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve({ error: `${command} could not be started: ${err.message}` });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ error: `${command} exited (${code}) before listening` });
    });
  });
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) child.kill('SIGTERM');
    await exited.catch(() => undefined);
  };
  if (typeof started !== 'string') {
    await close();
    return started;
  }
  // Keep draining its request log so the pipe never fills.
  child.stdout!.resume();
  child.stderr!.resume();
  return { url: started, close };
}

/**
 * A request to the store. moto does not verify signatures but routes by the service named in the
 * Authorization header's credential scope, so the header names it (the signature is not a real one).
 */
export function storeRequest(base: string, service: 's3' | 'dynamodb', region: string, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const url = new URL(path, base);
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        headers: {
          authorization: `AWS4-HMAC-SHA256 Credential=AKIADEMOSTORE0000001/${day}/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
          ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * The demo bucket and table, created when missing: public/ objects every guest may read, a
 * private/ prefix per identity, and a table keyed by owner (the identity id) and item.
 */
export async function seedDemoData(base: string, region: string, bucket: string, table: string): Promise<void> {
  const s3 = (method: string, path: string, body?: string) => storeRequest(base, 's3', region, method, path, body);
  const head = await s3('HEAD', `/${bucket}`);
  if (head.status === 404) {
    const made = await s3('PUT', `/${bucket}`);
    if (made.status >= 300) throw new Error(`demo store: CreateBucket answered ${made.status}`);
  }
  const objects: Record<string, string> = {
    'public/welcome.txt': 'Hello from the Tessera demo bucket. Guests and signed-in identities may read public/.\n',
    'public/menu.json': JSON.stringify({ soup: 'tomato', bread: 'sourdough' }) + '\n',
    'private/README.txt': 'Each identity may use private/<its identity id>/ only (role tessera-demo-own-prefix).\n',
  };
  for (const [key, body] of Object.entries(objects)) {
    const put = await s3('PUT', `/${bucket}/${key}`, body);
    if (put.status >= 300) throw new Error(`demo store: PutObject ${key} answered ${put.status}`);
  }
  const ddb = (target: string, body: unknown) =>
    storeRequest(base, 'dynamodb', region, 'POST', '/', JSON.stringify(body), { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDB_20120810.${target}` });
  const described = await ddb('DescribeTable', { TableName: table });
  if (described.status === 400 && described.body.includes('ResourceNotFoundException')) {
    const made = await ddb('CreateTable', {
      TableName: table,
      AttributeDefinitions: [
        { AttributeName: 'owner', AttributeType: 'S' },
        { AttributeName: 'item', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'owner', KeyType: 'HASH' },
        { AttributeName: 'item', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    });
    if (made.status >= 300) throw new Error(`demo store: CreateTable answered ${made.status}: ${made.body.slice(0, 200)}`);
  } else if (described.status >= 300) {
    throw new Error(`demo store: DescribeTable answered ${described.status}: ${described.body.slice(0, 200)}`);
  }
  for (const [item, text] of [
    ['greeting', 'Hello from the demo table'],
    ['fact', 'Items are keyed by owner (an identity id, or "public") and item'],
  ]) {
    const put = await ddb('PutItem', { TableName: table, Item: { owner: { S: 'public' }, item: { S: item }, text: { S: text } } });
    if (put.status >= 300) throw new Error(`demo store: PutItem answered ${put.status}`);
  }
}

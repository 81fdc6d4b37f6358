/**
 * A real S3- and DynamoDB-compatible server for the gateway tests: `moto_server` (moto 5, on the
 * machine), on 127.0.0.1 with an OS-chosen port read from its "Running on" line. Stop it with its
 * own handle: `await moto.close()` ends the child by its pid.
 */
import { spawn } from 'node:child_process';

export interface Moto {
  url: string;
  close(): Promise<void>;
}

export async function startMoto(): Promise<Moto> {
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const m = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`moto_server exited (${code}) before listening: ${seen.slice(-500)}`)));
  });
  // Keep draining its request log so the pipe never fills.
  child.stdout!.resume();
  child.stderr!.resume();
  return {
    url,
    async close() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

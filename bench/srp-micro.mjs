#!/usr/bin/env node
/**
 * The server's SRP arithmetic (src/services/cognito-idp/srp.ts), timed on the event loop: what one
 * USER_SRP_AUTH sign-in computes (B = k·v + g^b at InitiateAuth, S = (A·v^u)^b at
 * RespondToAuthChallenge), with the exponentiations done by BigInt square-and-multiply (`modPow`)
 * and by OpenSSL (`modPowN`), and the checks that they agree.
 *
 *   npm run build && node bench/srp-micro.mjs [--rounds 20] [--build-dir dist]
 *
 * Prints the median and the fastest time per operation over the rounds (ms of one thread).
 */
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { repoRoot } from './lib/paths.mjs';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '20' }, 'build-dir': { type: 'string' } } });
const build = args['build-dir'] ? resolve(args['build-dir']) : join(repoRoot, 'dist');
const srp = await import(pathToFileURL(join(build, 'src/services/cognito-idp/srp.js')).href);
const { N, g, k, modPow, modPowN, computeU } = srp;
const rounds = Number(args.rounds);
const big = (bytes) => BigInt(`0x${randomBytes(bytes).toString('hex')}`);

const v = modPowN(g, big(32));
const a = big(128) % N;
const A = modPowN(g, a);

function time(fn) {
  const samples = [];
  for (let i = 0; i < rounds; i++) {
    const t = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  samples.sort((x, y) => x - y);
  return { median: samples[Math.floor(samples.length / 2)], min: samples[0] };
}

const rows = [];
for (const [name, pow] of [['BigInt modPow', (x, e) => modPow(x, e, N)], ['OpenSSL modPowN', modPowN]]) {
  const b = big(128) % N;
  const B = (k * v + pow(g, b)) % N;
  const u = computeU(A, B);
  const ephemeral = time(() => (k * v + pow(g, big(128) % N)) % N);
  const key = time(() => pow((A * pow(v, u)) % N, b));
  rows.push({ name, ephemeral, key, total: ephemeral.median + key.median });
}
// Both must give the same S for the same inputs.
const b = big(128) % N;
const B = (k * v + modPowN(g, b)) % N;
const u = computeU(A, B);
const same = modPow((A * modPow(v, u, N)) % N, b, N) === modPowN((A * modPowN(v, u)) % N, b);

console.log(`SRP server arithmetic, ${rounds} rounds, node ${process.version}: ms per operation (median / fastest)`);
console.log('');
console.log('| exponentiation | B = k·v + g^b | S = (A·v^u)^b | both, median |');
console.log('|---|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.name} | ${r.ephemeral.median.toFixed(2)} / ${r.ephemeral.min.toFixed(2)} | ${r.key.median.toFixed(2)} / ${r.key.min.toFixed(2)} | ${r.total.toFixed(2)} |`);
console.log('');
console.log(`same S from both: ${same}`);
if (!same) process.exitCode = 1;

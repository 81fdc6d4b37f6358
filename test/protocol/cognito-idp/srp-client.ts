/**
 * The client half of Cognito's SRP-6a variant, written independently from the server from the
 * formulas amazon-cognito-identity-js uses (AuthenticationHelper.js): lets tests drive
 * PASSWORD_VERIFIER by hand, including tampered answers.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';

const N = BigInt(
  '0xFFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF',
);
const g = 2n;

function pad(n: bigint): string {
  let h = n.toString(16);
  if (h.length % 2) h = '0' + h;
  return /^[89a-f]/.test(h) ? '00' + h : h;
}
const H = (hex: string) => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
function pow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

export function srpClient(userPoolId: string) {
  const poolName = userPoolId.split('_')[1]!;
  const a = BigInt('0x' + randomBytes(128).toString('hex'));
  const A = pow(g, a, N);
  const k = BigInt('0x' + H(pad(N) + pad(g)));
  return {
    A: A.toString(16),
    /** PASSWORD_CLAIM_SIGNATURE for the server's challenge parameters. */
    sign(params: { SRP_B: string; SALT: string; SECRET_BLOCK: string; USER_ID_FOR_SRP: string }, password: string, timestamp: string): string {
      const B = BigInt('0x' + params.SRP_B);
      const u = BigInt('0x' + H(pad(A) + pad(B)));
      const inner = createHash('sha256').update(`${poolName}${params.USER_ID_FOR_SRP}:${password}`).digest('hex');
      const x = BigInt('0x' + H(pad(BigInt('0x' + params.SALT)) + inner));
      const base = (((B - k * pow(g, x, N)) % N) + N) % N;
      const S = pow(base, a + u * x, N);
      const prk = createHmac('sha256', Buffer.from(pad(u), 'hex')).update(Buffer.from(pad(S), 'hex')).digest();
      const key = createHmac('sha256', prk).update(Buffer.concat([Buffer.from('Caldera Derived Key'), Buffer.from([1])])).digest().subarray(0, 16);
      return createHmac('sha256', key)
        .update(Buffer.concat([Buffer.from(poolName), Buffer.from(params.USER_ID_FOR_SRP), Buffer.from(params.SECRET_BLOCK, 'base64'), Buffer.from(timestamp)]))
        .digest('base64');
    },
  };
}

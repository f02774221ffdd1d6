import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt cost: cheap enough that a join flood cannot starve the thread pool, dear enough to slow guessing. */
const cost = { N: 1024, r: 8, p: 1 } as const;
const keyLength = 32;

/** A room secret as the server keeps it: `scrypt$<salt>$<hash>` (base64url). Never the secret itself. */
export type SecretHash = string;

function derive(secret: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, keyLength, cost, (error, hash) => (error ? reject(error) : resolve(hash)));
  });
}

/** Hashes a room secret with a fresh random salt. */
export async function hashSecret(secret: string): Promise<SecretHash> {
  const salt = randomBytes(16);
  const hash = await derive(secret, salt);
  return `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** Whether `secret` matches `stored`, compared in constant time. A malformed `stored` never matches. */
export async function verifySecret(secret: string, stored: SecretHash): Promise<boolean> {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(secret, Buffer.from(salt, 'base64url'));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

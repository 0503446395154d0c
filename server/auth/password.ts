import { hash, verify } from '@node-rs/argon2';

// Algorithm.Argon2id; the package ships it as a const enum, which isolated modules cannot read.
const ARGON2ID = 2;

/** OWASP's argon2id minimum: 19 MiB, 2 iterations, 1 lane. */
export const ARGON2_PARAMS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
const PARAM_TAG = `m=${ARGON2_PARAMS.memoryCost},t=${ARGON2_PARAMS.timeCost},p=${ARGON2_PARAMS.parallelism}`;

export async function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_PARAMS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** True when the stored hash was made with other parameters and should be replaced on sign-in. */
export function needsRehash(passwordHash: string): boolean {
  return !passwordHash.startsWith('$argon2id$') || !passwordHash.includes(`$${PARAM_TAG}$`);
}

let dummyHash: Promise<string> | undefined;
/** A hash to verify against for unknown accounts, so both paths cost the same. */
export function getDummyHash(): Promise<string> {
  dummyHash ??= hashPassword('portico-dummy-password-for-timing');
  return dummyHash;
}

// PKCE (RFC 7636, S256) and the OAuth `state`: the values that bind a login's redirect to the process
// that started it. All come from crypto random bytes; Math.random would make them guessable.

import { createHash, randomBytes } from 'node:crypto';

const base64url = (bytes: Buffer): string => bytes.toString('base64url');

/** 64 characters of the unreserved set (RFC 7636 allows 43–128): 48 random bytes, base64url. */
export function createCodeVerifier(): string {
  return base64url(randomBytes(48));
}

/** BASE64URL(SHA256(ASCII(verifier))), no padding: what `code_challenge_method=S256` expects. */
export function codeChallengeS256(verifier: string): string {
  return base64url(createHash('sha256').update(verifier, 'ascii').digest());
}

/** An unguessable value the redirect must echo, so a forged redirect cannot complete our login. */
export function createState(): string {
  return base64url(randomBytes(24));
}

export interface Pkce {
  verifier: string;
  challenge: string;
  state: string;
}

export function createPkce(): Pkce {
  const verifier = createCodeVerifier();
  return { verifier, challenge: codeChallengeS256(verifier), state: createState() };
}

import { describe, expect, it } from 'vitest';
import {
  codeChallengeS256,
  createCodeVerifier,
  createPkce,
  createState,
} from '../../../src/sources/tidal/pkce.ts';

describe('PKCE', () => {
  it('matches the S256 example of RFC 7636 appendix B', () => {
    expect(codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('makes verifiers of 43–128 unreserved characters, different every time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const v = createCodeVerifier();
      expect(v).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/);
      seen.add(v);
    }
    expect(seen.size).toBe(200);
  });

  it('gives an unpadded base64url challenge and a fresh state', () => {
    const a = createPkce();
    const b = createPkce();
    expect(a.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.challenge).toBe(codeChallengeS256(a.verifier));
    expect(a.state).not.toBe(b.state);
    expect(createState()).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});

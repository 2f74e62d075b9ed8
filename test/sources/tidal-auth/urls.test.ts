import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.ts';
import {
  authorizeEndpoint,
  DEFAULT_API_URL,
  DEFAULT_AUTH_URL,
  resolveTidalUrls,
  tokenEndpoint,
} from '../../../src/sources/tidal/urls.ts';

describe('resolveTidalUrls', () => {
  it("defaults to TIDAL's servers", () => {
    expect(resolveTidalUrls(undefined, {})).toEqual({
      apiUrl: 'https://openapi.tidal.com/v2',
      authUrl: 'https://auth.tidal.com',
    });
    expect(DEFAULT_API_URL).toBe('https://openapi.tidal.com/v2');
  });

  it('takes library.yaml values, and the environment over them', () => {
    const config = { apiUrl: 'http://127.0.0.1:1/v2/', authUrl: 'http://127.0.0.1:2' };
    expect(resolveTidalUrls(config, {})).toEqual({
      apiUrl: 'http://127.0.0.1:1/v2',
      authUrl: 'http://127.0.0.1:2',
    });
    const env = {
      CRATESYNC_TIDAL_API_URL: 'http://127.0.0.1:3/v2',
      CRATESYNC_TIDAL_AUTH_URL: 'http://127.0.0.1:4/',
    };
    expect(resolveTidalUrls(config, env)).toEqual({
      apiUrl: 'http://127.0.0.1:3/v2',
      authUrl: 'http://127.0.0.1:4',
    });
    expect(resolveTidalUrls(config, { CRATESYNC_TIDAL_AUTH_URL: '' }).authUrl).toBe('http://127.0.0.1:2');
  });

  it('rejects a value that is not an http(s) URL, naming where it came from', () => {
    expect(() => resolveTidalUrls(undefined, { CRATESYNC_TIDAL_AUTH_URL: 'auth.tidal.com' })).toThrow(
      /CRATESYNC_TIDAL_AUTH_URL is not a URL/,
    );
    expect(() => resolveTidalUrls({ apiUrl: 'ftp://x' }, {})).toThrow(ConfigError);
  });

  it('accepts the auth URL spelled with /v1/oauth2', () => {
    expect(resolveTidalUrls({ authUrl: 'https://auth.tidal.com/v1/oauth2' }, {}).authUrl).toBe(
      DEFAULT_AUTH_URL,
    );
  });
});

describe('auth endpoints', () => {
  it("send the user to login.tidal.com and tokens to auth.tidal.com for TIDAL's own server", () => {
    expect(authorizeEndpoint(DEFAULT_AUTH_URL)).toBe('https://login.tidal.com/authorize');
    expect(tokenEndpoint(DEFAULT_AUTH_URL)).toBe('https://auth.tidal.com/v1/oauth2/token');
    expect(tokenEndpoint('https://auth.tidal.com/v1/oauth2')).toBe('https://auth.tidal.com/v1/oauth2/token');
  });

  it('serve both from any other auth URL', () => {
    expect(authorizeEndpoint('http://127.0.0.1:9/')).toBe('http://127.0.0.1:9/authorize');
    expect(tokenEndpoint('http://127.0.0.1:9')).toBe('http://127.0.0.1:9/v1/oauth2/token');
  });
});

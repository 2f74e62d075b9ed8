// Where TIDAL lives. library.yaml's `source.tidal.apiUrl` / `authUrl` set the base URLs, the environment
// (CRATESYNC_TIDAL_API_URL / CRATESYNC_TIDAL_AUTH_URL) overrides them, and the defaults are TIDAL's own.
//
// TIDAL serves the user-facing authorize page from login.tidal.com but the token endpoint from
// auth.tidal.com. Only the real auth server gets that split: any other authUrl (a fake server in tests, a
// proxy) is taken to serve both `/authorize` and `/v1/oauth2/token`, so one setting redirects the whole login.

import { ConfigError } from '../../errors.ts';

export const DEFAULT_API_URL = 'https://openapi.tidal.com/v2';
export const DEFAULT_AUTH_URL = 'https://auth.tidal.com';
export const TIDAL_AUTHORIZE_URL = 'https://login.tidal.com/authorize';

export interface TidalUrls {
  apiUrl: string;
  authUrl: string;
}

type Env = Record<string, string | undefined>;

/** `config` is library.yaml's `source.tidal` (or nothing). Throws ConfigError for a value that is no http(s) URL. */
export function resolveTidalUrls(
  config: { apiUrl?: string; authUrl?: string } | undefined,
  env: Env,
): TidalUrls {
  return {
    apiUrl: pick('CRATESYNC_TIDAL_API_URL', env, 'source.tidal.apiUrl', config?.apiUrl, DEFAULT_API_URL),
    authUrl: normalizeAuthUrl(
      pick('CRATESYNC_TIDAL_AUTH_URL', env, 'source.tidal.authUrl', config?.authUrl, DEFAULT_AUTH_URL),
    ),
  };
}

/**
 * The auth server's base, without a trailing slash. The schema once documented the default as
 * `https://auth.tidal.com/v1/oauth2`; that spelling is accepted and means the same server.
 */
export function normalizeAuthUrl(url: string): string {
  return trimSlashes(url).replace(/\/v1\/oauth2$/, '');
}

export function tokenEndpoint(authUrl: string): string {
  return `${normalizeAuthUrl(authUrl)}/v1/oauth2/token`;
}

export function authorizeEndpoint(authUrl: string): string {
  const base = normalizeAuthUrl(authUrl);
  return base === DEFAULT_AUTH_URL ? TIDAL_AUTHORIZE_URL : `${base}/authorize`;
}

function pick(
  envName: string,
  env: Env,
  configName: string,
  configValue: string | undefined,
  fallback: string,
) {
  const fromEnv = env[envName]?.trim();
  if (fromEnv) return checkedBaseUrl(fromEnv, envName);
  if (configValue !== undefined && configValue !== '') return checkedBaseUrl(configValue, configName);
  return fallback;
}

/** `value` without trailing slashes; ConfigError naming `name` (a flag, variable or setting) if it is no http(s) URL. */
export function checkedBaseUrl(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} is not a URL: "${value}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ConfigError(`${name} must be an http(s) URL, not "${value}"`);
  return trimSlashes(value);
}

const trimSlashes = (url: string): string => url.replace(/\/+$/, '');

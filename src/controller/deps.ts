// Building the ports a run needs from library.yaml: the source and the downloader.

import os from 'node:os';
import { createCommandDownloader } from '../downloaders/command.ts';
import { createSynthDownloader } from '../downloaders/synth.ts';
import { ConfigError } from '../errors.ts';
import type { Fs } from '../io/fs.ts';
import { createDemoSource } from '../sources/demo.ts';
import { createFileSource } from '../sources/file.ts';
import { createTokenProvider } from '../sources/tidal/auth.ts';
import { createTidalSource } from '../sources/tidal/source.ts';
import { createTokenStore, tokenFilePath } from '../sources/tidal/token-store.ts';
import { resolveTidalUrls } from '../sources/tidal/urls.ts';
import type { DesiredState, Downloader, Source } from '../types.ts';

export function createSource(desired: DesiredState, fs: Fs, env: NodeJS.ProcessEnv = process.env): Source {
  const s = desired.source;
  switch (s.provider) {
    case 'demo':
      return createDemoSource(s.demo);
    case 'file':
      return createFileSource(s.file.path, fs);
    case 'tidal': {
      const urls = resolveTidalUrls(s.tidal, env);
      const tokens = createTokenProvider({
        store: createTokenStore(fs, tokenFilePath(env, os.homedir())),
        authUrl: urls.authUrl,
        env,
        now: Date.now,
      });
      return createTidalSource({ apiUrl: urls.apiUrl, countryCode: s.tidal.countryCode, tokens });
    }
  }
}

export function createDownloader(desired: DesiredState, fs: Fs): Downloader {
  const d = desired.download;
  if (d.tool === 'synth') return createSynthDownloader(fs);
  if (!d.command?.length)
    throw new ConfigError(`${desired.file}: download.tool is "command" but download.command is missing`);
  try {
    return createCommandDownloader({
      command: d.command,
      output: d.output,
      timeoutSeconds: d.timeoutSeconds,
      fs,
    });
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(`${desired.file}: ${err.message}`);
    throw err;
  }
}

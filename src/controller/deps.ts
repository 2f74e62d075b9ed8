// Building the ports a run needs from library.yaml: the source and the downloader.

import { createSynthDownloader } from '../downloaders/synth.ts';
import { ConfigError } from '../errors.ts';
import type { Fs } from '../io/fs.ts';
import { createDemoSource } from '../sources/demo.ts';
import { createFileSource } from '../sources/file.ts';
import type { DesiredState, Downloader, Source } from '../types.ts';

export function createSource(desired: DesiredState, fs: Fs): Source {
  const s = desired.source;
  switch (s.provider) {
    case 'demo':
      return createDemoSource(s.demo);
    case 'file':
      return createFileSource(s.file.path, fs);
    case 'tidal':
      throw new ConfigError(
        `${desired.file}: source.provider "tidal" is not available in this version of cratesync yet; use "demo" or "file"`,
      );
  }
}

export function createDownloader(desired: DesiredState, fs: Fs): Downloader {
  if (desired.download.tool === 'synth') return createSynthDownloader(fs);
  throw new ConfigError(
    `${desired.file}: download.tool "command" is not available in this version of cratesync yet; use "synth"`,
  );
}

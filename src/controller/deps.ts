// Building the ports a run needs from library.yaml: the source and the downloader.

import { createCommandDownloader } from '../downloaders/command.ts';
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

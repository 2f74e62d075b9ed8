// Reading what a produced file really is. music-metadata opens the file itself (it seeks and reads only
// what it needs, which matters for 100 MB hi-res FLAC), so this lives with the other disk code in io/.

import { parseFile } from 'music-metadata';

export interface AudioProbe {
  /** Recognised as audio with a sample rate or duration, not merely a file with an audio name. */
  isAudio: boolean;
  durationSeconds?: number;
  /** Why the file is not audio, for the error message. */
  reason?: string;
}

export async function probeAudioFile(file: string): Promise<AudioProbe> {
  try {
    // duration: true counts MP3 frames instead of guessing from the first frame's bitrate.
    const { format } = await parseFile(file, { duration: true, skipCovers: true });
    const duration = format.duration !== undefined && format.duration > 0 ? format.duration : undefined;
    if (duration === undefined && !(format.sampleRate && format.sampleRate > 0))
      return { isAudio: false, reason: 'no audio stream found' };
    return { isAudio: true, durationSeconds: duration };
  } catch (err) {
    return { isAudio: false, reason: (err as Error).message ?? String(err) };
  }
}

// Planning a text file cratesync writes whole (a playlist file, an export): rewrite it only when its
// content changed since we wrote it, and never over a file we did not make.

import type { Action, DiskState, Skipped, StateView } from '../types.ts';
import { hashText } from './playlists/plan.ts';

export function planOwnedText(
  file: { path: string; content: string; kind: 'playlistFile' | 'export'; playlistId: string },
  o: { disk: DiskState; state: StateView },
  skipped: Skipped[],
): Action | undefined {
  const hash = hashText(file.content);
  const d = o.disk.get(file.path);
  const mine = o.state.owned.get(file.path);
  if (d && !mine) {
    skipped.push({
      code: 'foreign',
      path: file.path,
      ...(file.playlistId ? { playlistId: file.playlistId } : {}),
      reason: 'a file cratesync does not own is in the way',
    });
    return undefined;
  }
  if (d?.type === 'file' && mine?.kind === file.kind && mine.hash === hash && mine.size === d.size)
    return undefined;
  return {
    type: 'writeFile',
    path: file.path,
    content: file.content,
    hash,
    playlistId: file.playlistId,
    ...(file.kind === 'export' ? { kind: 'export' as const } : {}),
  };
}

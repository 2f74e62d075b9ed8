// The playlist-files planner: one extended M3U (`.m3u8`, UTF-8, LF) beside each playlist folder, listing
// the playlist's tracks in source order with paths relative to the .m3u8 itself. A track appears only
// when its file will exist after this pass, so a player never meets a dead entry.

import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Action, DesiredState, DiskState, Plan, Skipped, StateView, Track } from '../../types.ts';
import { isShortRead, type LaidOutPlaylist, type Layout } from '../files/layout.ts';
import { staleRemovals } from '../files/plan.ts';
import { planOwnedText } from '../owned-text.ts';

export interface PlaylistsObserved {
  layout: Layout;
  disk: DiskState;
  state: StateView;
  /** Tracks whose real file exists, or will after this pass's downloads and moves. */
  available: ReadonlySet<string>;
  unsafe?: string;
  /** Content removals prune.maxDeletions still allows this run. */
  deletionBudget: number;
}

export function renderM3u8(p: LaidOutPlaylist, layout: Layout, available: ReadonlySet<string>): string {
  const lines = ['#EXTM3U', `#PLAYLIST:${oneLine(p.name)}`];
  const folderName = path.posix.basename(p.folder);
  for (const id of p.items) {
    const t = layout.tracks.get(id);
    if (!t?.fileName || !available.has(id)) continue;
    const seconds = t.track.durationSeconds === undefined ? -1 : Math.round(t.track.durationSeconds);
    lines.push(`#EXTINF:${seconds},${oneLine(displayName(t.track))}`);
    const rel = `${folderName}/${t.fileName}`;
    // A line starting with '#' would be read as a directive.
    lines.push(rel.startsWith('#') ? `./${rel}` : rel);
  }
  return `${lines.join('\n')}\n`;
}

export function displayName(t: Track): string {
  const title = t.version && !t.title.includes(t.version) ? `${t.title} (${t.version})` : t.title;
  return t.artists.length > 0 ? `${t.artists.join(', ')} - ${title}` : title;
}

export function hashText(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

export function planPlaylists(desired: DesiredState, o: PlaylistsObserved): Plan {
  const actions: Action[] = [];
  const skipped: Skipped[] = [];
  const wanted = new Set<string>();

  for (const p of o.layout.playlists) {
    if (p.playlistFile === undefined) continue;
    wanted.add(p.playlistFile);
    if (isShortRead(p.source)) {
      skipped.push({
        code: 'unsafe-source',
        path: p.playlistFile,
        playlistId: p.id,
        reason: `not rewritten: ${p.source.shortRead ?? `only ${p.source.items.length} of ${p.source.expectedItems} items came back`}`,
      });
      continue;
    }
    const content = renderM3u8(p, o.layout, o.available);
    const write = planOwnedText(
      { path: p.playlistFile, content, kind: 'playlistFile', playlistId: p.id },
      o,
      skipped,
    );
    if (write) actions.push(write);
  }

  for (const r of staleRemovals('playlistFile', wanted, 'playlist no longer mirrored', desired, o, skipped)) {
    actions.push(r);
  }
  return { target: 'playlists', actions, skipped };
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ');
}

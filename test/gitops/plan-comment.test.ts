// The plan preview's Markdown: marker, summary, per-playlist and per-child rows, escaping, and a huge plan
// cut safely below GitHub's comment limit with a note.

import { describe, expect, it } from 'vitest';
import type { ChildChange } from '../../src/controller/child-changes.ts';
import type { PassResult } from '../../src/controller/pass.ts';
import {
  COMMENT_LIMIT,
  commentMarker,
  invalidComment,
  md,
  planComment,
} from '../../src/gitops/plan-comment.ts';
import { parseGitHubSpec } from '../../src/gitops/spec.ts';
import type { Action } from '../../src/types.ts';

const ctx = { spec: parseGitHubSpec('github:me/crates/library.yaml'), sha: 'a'.repeat(40), pr: 7 };

function pass(actions: Action[], children: ChildChange[] = []): PassResult {
  return {
    plans: [{ target: 'files', actions, skipped: [] }],
    actions,
    figures: { playlists: 0, tracks: 0, entries: 0, bytesSaved: 0 },
    children,
  };
}

describe('plan comment', () => {
  it('has the marker, the summary, a row per playlist and per child, and the file-level details', () => {
    const actions: Action[] = [
      { type: 'mkdir', path: 'Playlists/Deep House', playlistId: 'p1' },
      { type: 'download', trackId: 't1', staged: '.cratesync/staging/t1.flac' },
      {
        type: 'move',
        from: '.cratesync/staging/t1.flac',
        to: 'Playlists/Deep House/A - One.flac',
        trackId: 't1',
        reason: 'place download',
      },
      {
        type: 'link',
        path: 'Playlists/Warm-up/A - One.flac',
        target: '../Deep House/A - One.flac',
        mode: 'symlink',
        trackId: 't1',
        playlistId: 'p2',
      },
      {
        type: 'writeFile',
        path: 'Playlists/Deep House.m3u8',
        content: '#EXTM3U\n',
        hash: 'h',
        playlistId: 'p1',
      },
      {
        type: 'remove',
        path: 'Playlists/Old/B - Two.mp3',
        kind: 'primary',
        mode: 'trash',
        reason: 'no longer in any playlist',
      },
    ];
    const child: ChildChange = {
      name: 'Peak *Time*',
      matched: 12,
      disk: { added: ['t1', 't3'], removed: ['Playlists/Peak Time/C - Three.flac'], playlistFile: true },
      tidal: { create: false, added: ['t1'], removed: [], moved: [], requests: 1, delete: false },
    };
    const body = planComment(pass(actions, [child]), 'Playlists', ctx);
    expect(body.startsWith('<!-- cratesync-plan:library.yaml -->\n')).toBe(true);
    expect(body).toContain('at aaaaaaa');
    expect(body).toContain('**Plan: 6 action(s)**');
    expect(body).toContain('| Deep House (new) | 1 | 0 | 0 | 0 | written |');
    expect(body).toContain('| Warm-up | 0 | 1 | 0 | 0 |  |');
    expect(body).toContain('| Old | 0 | 0 | 0 | 1 |  |');
    expect(body).toContain('| Peak \\*Time\\* | 12 | 2 | 1 | +1 −0 (1 request(s)) |');
    expect(body).toContain('- `+` A - One.flac (download)');
    expect(body).toContain('- `-` B - Two.mp3 (trash: no longer in any playlist)');
    expect(body).not.toContain('Truncated');
  });

  it('says so when nothing changes', () => {
    const body = planComment(pass([]), 'Playlists', ctx);
    expect(body).toContain('**No changes.**');
    expect(body).not.toContain('#### Playlists');
  });

  it('cuts a huge plan below the limit, whole pieces only, with a note', () => {
    const actions: Action[] = [];
    const long = 'Ω'.repeat(60);
    for (let p = 0; p < 400; p++)
      for (let t = 0; t < 60; t++)
        actions.push({
          type: 'link',
          path: `Playlists/Playlist ${p} ${long}/Artist ${t} - Title ${long}.flac`,
          target: `../x/${t}.flac`,
          mode: 'symlink',
          trackId: `t${t}`,
          playlistId: `p${p}`,
        });
    const body = planComment(pass(actions), 'Playlists', ctx);
    expect(body.length).toBeLessThan(COMMENT_LIMIT);
    expect(Buffer.byteLength(body)).toBeLessThan(COMMENT_LIMIT);
    expect(body.startsWith(commentMarker('library.yaml'))).toBe(true);
    expect(body).toContain('**Plan: 24000 action(s)**');
    expect(body).toMatch(
      /> \*\*Truncated\*\*: \d+ more line\(s\) and section\(s\) do not fit in one GitHub comment/,
    );
    expect(body).toContain('cratesync plan');
    // Every <details> that was opened is closed: the cut fell between pieces.
    expect(body.split('<details>').length).toBe(body.split('</details>').length);
    expect(body.trimEnd().endsWith('</sub>')).toBe(true);
  });

  it('an invalid library.yaml lists every issue with its line and column', () => {
    const body = invalidComment(
      [
        { file: 'me/crates/library.yaml@aaaaaaa', line: 3, col: 5, message: 'root must be a string' },
        { file: 'me/crates/library.yaml@aaaaaaa', line: 9, col: 1, message: 'unknown key "playlist"' },
      ],
      '',
      ctx,
    );
    expect(body.startsWith(commentMarker('library.yaml'))).toBe(true);
    expect(body).toContain('invalid');
    expect(body).toContain('me/crates/library.yaml@aaaaaaa:3:5: root must be a string');
    expect(body).toContain('me/crates/library.yaml@aaaaaaa:9:1: unknown key "playlist"');
    const many = invalidComment(
      Array.from({ length: 5000 }, (_, i) => ({ file: 'f', line: i + 1, col: 1, message: 'x'.repeat(100) })),
      '',
      ctx,
    );
    expect(many.length).toBeLessThan(COMMENT_LIMIT);
    expect(many).toContain('Truncated');
    expect(many.match(/~~~~/g)?.length).toBe(2); // the fence is closed before the note
  });

  it('escapes names so they render as written and cannot close the marker', () => {
    expect(md('a|b *c* <script> [x](y) `z`')).toBe('a\\|b \\*c\\* \\<script\\> \\[x\\](y) \\`z\\`');
    expect(md('two\nlines')).toBe('two lines');
    expect(commentMarker('a-->b.yaml')).toBe('<!-- cratesync-plan:a-%2D%3Eb.yaml -->');
  });
});

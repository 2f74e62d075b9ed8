// Unit tests of the planners on plain data: no disk, no database, no clock.

import { describe, expect, it } from 'vitest';
import { planPass } from '../../src/controller/pass.ts';
import { orderMoves } from '../../src/reconcilers/files/plan.ts';
import type { Action, DiskEntry, DiskState, OwnedEntry, StateView, TrackState } from '../../src/types.ts';
import { catalogOf, desiredFor } from '../helpers/builders.ts';

const NOW = Date.UTC(2026, 0, 1);
const file = (size = 100, ino = 1): DiskEntry => ({ type: 'file', size, mtimeMs: 0, ino, nlink: 1 });
const dir = (): DiskEntry => ({ type: 'dir', size: 4096, mtimeMs: 0, ino: 0, nlink: 2 });
const link = (target: string): DiskEntry => ({
  type: 'symlink',
  size: 10,
  mtimeMs: 0,
  ino: 0,
  nlink: 1,
  target,
});

function world(
  entries: Record<string, DiskEntry>,
  owned: OwnedEntry[],
  tracks: Record<string, Partial<TrackState>> = {},
  playlists: Record<string, string> = {},
) {
  const disk: DiskState = new Map(Object.entries(entries));
  const state: StateView = {
    owned: new Map(owned.map((o) => [o.path, o])),
    tracks: new Map(
      Object.entries(tracks).map(([id, t]) => [id, { downloadStatus: 'downloaded', attempts: 0, ...t }]),
    ),
    playlists: new Map(
      Object.entries(playlists).map(([id, folder]) => [id, { name: id, folder, itemCount: 1 }]),
    ),
    remote: new Map(),
  };
  return { disk, state };
}

const types = (actions: Action[]) => actions.map((a) => a.type);
const desired = desiredFor('/lib', { layout: { playlistFiles: 'none' } });

describe('files planner', () => {
  it('plans folders, downloads, placements and relative links for an empty library', () => {
    const catalog = catalogOf({ A: ['t1', 't2'], B: ['t2'] });
    const { disk, state } = world({}, []);
    const pass = planPass(desired, catalog, state, disk, NOW, 'mp3');
    expect(types(pass.actions)).toEqual(['mkdir', 'mkdir', 'download', 'download', 'move', 'move', 'link']);
    const l = pass.actions.find((a) => a.type === 'link')!;
    expect(l).toMatchObject({
      path: 'Playlists/B/Artist t2 - Song t2.mp3',
      target: '../A/Artist t2 - Song t2.mp3',
      mode: 'symlink',
    });
  });

  it('is deterministic: the same inputs give a deep-equal plan', () => {
    const catalog = catalogOf({ A: ['t1', 't2', 't3'], B: ['t3', 't2'], C: ['t1'] });
    const { disk, state } = world({}, []);
    expect(planPass(desired, catalog, state, disk, NOW, 'mp3').actions).toEqual(
      planPass(desired, catalog, state, disk, NOW, 'mp3').actions,
    );
  });

  it('promotes the next playlist when a track leaves the one holding its real file', () => {
    const a = 'Playlists/A/Artist t1 - Song t1.mp3';
    const b = 'Playlists/B/Artist t1 - Song t1.mp3';
    const { disk, state } = world(
      { 'Playlists/A': dir(), 'Playlists/B': dir(), [a]: file(), [b]: link('../A/Artist t1 - Song t1.mp3') },
      [
        { path: 'Playlists/A', kind: 'dir' },
        { path: 'Playlists/B', kind: 'dir' },
        { path: a, kind: 'primary', trackId: 't1' },
        { path: b, kind: 'symlink', trackId: 't1' },
      ],
      { t1: { filePath: a } },
      { 'p-A': 'Playlists/A', 'p-B': 'Playlists/B' },
    );
    const pass = planPass(desired, catalogOf({ A: [], B: ['t1'] }), state, disk, NOW, 'mp3');
    expect(pass.actions).toEqual([
      {
        type: 'remove',
        path: b,
        kind: 'symlink',
        mode: 'delete',
        reason: 'replaced by the real file',
        evict: true,
      },
      { type: 'move', from: a, to: b, trackId: 't1', reason: 'primary moved' },
    ]);
  });

  it('swaps two names through staging', () => {
    const moves = orderMoves(
      [
        { type: 'move', from: 'P/x', to: 'P/y', trackId: '1', reason: 'r' },
        { type: 'move', from: 'P/y', to: 'P/x', trackId: '2', reason: 'r' },
      ],
      '.cratesync/staging',
    );
    // One file is parked, the other takes its place, the parked one moves on: no step overwrites anything.
    expect(moves.map((m) => `${m.from}>${m.to}`)).toEqual([
      'P/x>.cratesync/staging/swap-0',
      'P/y>P/x',
      '.cratesync/staging/swap-0>P/y',
    ]);
  });

  it('reports foreign files and never plans an action on them', () => {
    const mine = 'Playlists/A/Artist t1 - Song t1.mp3';
    const { disk, state } = world(
      { 'Playlists/A': dir(), [mine]: file(), 'Playlists/A/notes.txt': file() },
      [],
    );
    const pass = planPass(desired, catalogOf({ A: ['t1'] }), state, disk, NOW, 'mp3');
    expect(pass.actions).toEqual([]);
    expect(pass.plans[0]!.skipped.map((s) => [s.code, s.path])).toEqual([
      ['foreign', mine],
      ['foreign', 'Playlists/A/notes.txt'],
    ]);
  });

  it('holds removals back per prune.mode, maxDeletions and an unsafe listing', () => {
    const paths = ['Playlists/A/x1.mp3', 'Playlists/A/x2.mp3', 'Playlists/A/x3.mp3'];
    const entries = Object.fromEntries([['Playlists/A', dir()], ...paths.map((p) => [p, file()])]);
    const owned: OwnedEntry[] = [
      { path: 'Playlists/A', kind: 'dir' },
      ...paths.map((p, i) => ({ path: p, kind: 'primary' as const, trackId: `x${i}` })),
    ];
    const { disk, state } = world({ ...entries, 'Playlists/B': dir() }, owned, {}, { 'p-A': 'Playlists/A' });
    const catalog = catalogOf({ B: ['t9'] });
    const removes = (d = desired) =>
      planPass(d, catalog, state, disk, NOW, 'mp3').actions.filter((a) => a.type === 'remove');

    expect(removes().map((a) => a.type === 'remove' && a.mode)).toEqual([
      'trash',
      'trash',
      'trash',
      'delete',
    ]);
    expect(removes({ ...desired, prune: { mode: 'off', maxDeletions: 9 } })).toEqual([]);
    expect(removes({ ...desired, prune: { mode: 'delete', maxDeletions: 2 } }).length).toBe(2); // the folder stays while capped files remain in it
    // Empty listing where the library had content: nothing is removed.
    const emptied = planPass(
      desired,
      { playlists: [], tracks: new Map() },
      { ...state, playlists: new Map([['p-A', { name: 'A', folder: 'Playlists/A', itemCount: 3 }]]) },
      disk,
      NOW,
      'mp3',
    );
    expect(emptied.unsafe).toContain('empty');
    expect(emptied.actions.filter((a) => a.type === 'remove')).toEqual([]);
  });

  it('waits out the backoff of a failed download without planning it', () => {
    const { disk, state } = world({ 'Playlists/A': dir() }, [{ path: 'Playlists/A', kind: 'dir' }], {
      t1: { downloadStatus: 'error', attempts: 2, nextRetryAt: NOW + 1000, downloadError: 'HTTP 404' },
    });
    const pass = planPass(desired, catalogOf({ A: ['t1'] }), state, disk, NOW, 'mp3');
    expect(pass.actions).toEqual([]);
    expect(pass.plans[0]!.skipped[0]).toMatchObject({ code: 'backoff', trackId: 't1' });
    expect(
      types(planPass(desired, catalogOf({ A: ['t1'] }), state, disk, NOW + 1000, 'mp3').actions),
    ).toEqual(['download', 'move']);
  });

  it('keeps the files of a track the source lists but does not describe', () => {
    const p = 'Playlists/A/Artist t1 - Song t1.mp3';
    const { disk, state } = world(
      { 'Playlists/A': dir(), [p]: file() },
      [
        { path: 'Playlists/A', kind: 'dir' },
        { path: p, kind: 'primary', trackId: 't1' },
      ],
      { t1: { filePath: p } },
    );
    const catalog = catalogOf({ A: ['t1'] });
    catalog.tracks.delete('t1');
    const pass = planPass(desired, catalog, state, disk, NOW, 'mp3');
    expect(pass.actions).toEqual([]);
    expect(pass.plans[0]!.skipped[0]).toMatchObject({ code: 'missing-track', path: p });
  });
});

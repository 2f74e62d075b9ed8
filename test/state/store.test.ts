// The state DB on the real sql.js file: migrations, atomic saves only when something changed, history
// that stays bounded, and a file the stock sqlite3 tool reads.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Fs } from '../../src/io/fs.ts';
import { openJournal } from '../../src/state/journal.ts';
import { migrations } from '../../src/state/migrations.ts';
import { openStore } from '../../src/state/store.ts';
import { makeTempDir, removeTempDir } from '../helpers/tmpdir.ts';

const realFs = fs as unknown as Fs;
let dir: string;
beforeEach(() => {
  dir = makeTempDir();
});
afterEach(() => removeTempDir(dir));
const hasSqlite3 = (() => {
  try {
    execFileSync('sqlite3', ['-version']);
    return true;
  } catch {
    return false;
  }
})();

describe('state store', () => {
  it('migrates a new file to the latest version and saves only when something changed', async () => {
    const file = `${dir}/state.db`;
    let store = await openStore(realFs, file);
    expect(store.save()).toBe(true);
    store.close();
    const before = fs.statSync(file).mtimeMs;
    store = await openStore(realFs, file);
    expect(store.query('PRAGMA user_version')[0]![0]).toBe(migrations.length);
    expect(store.save()).toBe(false);
    expect(fs.statSync(file).mtimeMs).toBe(before);
    store.putOwned({ path: 'Playlists/A/x.mp3', kind: 'primary', trackId: 't1', size: 3 });
    expect(store.save()).toBe(true);
    store.close();
    store = await openStore(realFs, file);
    expect(store.getOwned('Playlists/A/x.mp3')).toMatchObject({ kind: 'primary', trackId: 't1', size: 3 });
    expect(fs.readdirSync(dir)).toEqual(['state.db']);
    store.close();
  });

  it('keeps a snapshot JSON only on the newest row of each source state, and the last N runs', async () => {
    const store = await openStore(realFs, `${dir}/state.db`);
    for (let i = 0; i < 5; i++) {
      const id = store.beginEvent(new Date(Date.UTC(2026, 0, 1, i)).toISOString(), 'cli', false);
      const sourceHash = i < 3 ? 'same' : `changed-${i}`;
      store.addSnapshot(id, 'now', {
        playlistCount: 1,
        trackCount: 2,
        entryCount: 2,
        sourceHash,
        playlists: [{ i }],
      });
      store.finishEvent(id, { status: 'completed' });
    }
    store.repeatLastSnapshot(store.beginEvent('later', 'cli', false), 'now');
    const rows = store.query(
      'SELECT sync_event_id, source_hash, playlists IS NOT NULL FROM sync_snapshots ORDER BY id',
    );
    expect(rows).toEqual([
      [1, 'same', 0],
      [2, 'same', 0],
      [3, 'same', 1],
      [4, 'changed-3', 1],
      [5, 'changed-4', 0],
      [6, 'changed-4', 1],
    ]);
    store.pruneHistory(2);
    expect(store.query('SELECT id FROM sync_events ORDER BY id').map((r) => r[0])).toEqual([5, 6]);
    expect(store.query('SELECT COUNT(*) FROM sync_snapshots')[0]![0]).toBe(2);
    store.close();
  });

  it.skipIf(!hasSqlite3)('is readable by the stock sqlite3 tool', async () => {
    const store = await openStore(realFs, `${dir}/state.db`);
    store.upsertTracks([{ track: { id: 't1', title: 'Song', artists: ['A'] }, metaHash: 'h' }], 'now');
    store.save();
    store.close();
    const out = execFileSync(
      'sqlite3',
      [`${dir}/state.db`, 'SELECT source_id, title, download_status FROM tracks'],
      { encoding: 'utf8' },
    );
    expect(out.trim()).toBe('t1|Song|not_downloaded');
  });

  it('the journal survives a torn last line', () => {
    const journal = openJournal(realFs, `${dir}/journal.jsonl`);
    journal.append([{ t: 'begin', eventId: 1, startedAt: 'now', trigger: 'cli' }]);
    fs.appendFileSync(`${dir}/journal.jsonl`, '{"t":"intent","seq":0,"act');
    expect(journal.read()).toEqual([{ t: 'begin', eventId: 1, startedAt: 'now', trigger: 'cli' }]);
    journal.clear();
    expect(journal.read()).toEqual([]);
  });
});

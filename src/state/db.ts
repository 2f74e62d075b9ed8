// Opening, migrating and saving the sql.js database file. The file is rewritten atomically (temp file,
// fsync, rename) and only when something changed since the last save.

import path from 'node:path';
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import type { Fs } from '../io/fs.ts';
import { migrations } from './migrations.ts';

let sqlJs: Promise<SqlJsStatic> | undefined;

function loadSqlJs(): Promise<SqlJsStatic> {
  sqlJs ??= initSqlJs();
  return sqlJs;
}

export interface DbFile {
  readonly db: Database;
  readonly file: string;
  /** Marks the database as changed so the next save() writes it. */
  touch(): void;
  /** Writes the database if it changed; returns whether it wrote. */
  save(): boolean;
  close(): void;
}

export async function openDb(fs: Fs, file: string): Promise<DbFile> {
  const SQL = await loadSqlJs();
  const exists = fs.existsSync(file);
  const db = exists ? new SQL.Database(fs.readFileSync(file)) : new SQL.Database();
  db.run('PRAGMA foreign_keys = ON');
  let dirty = migrate(db) || !exists;

  return {
    db,
    file,
    touch() {
      dirty = true;
    },
    save() {
      if (!dirty) return false;
      writeAtomically(fs, file, db.export());
      dirty = false;
      return true;
    },
    close() {
      db.close();
    },
  };
}

function migrate(db: Database): boolean {
  const current = Number(db.exec('PRAGMA user_version')[0]?.values[0]?.[0] ?? 0);
  if (current > migrations.length) {
    throw new Error(
      `state.db has schema version ${current}, newer than this cratesync knows (${migrations.length}); upgrade cratesync`,
    );
  }
  for (let v = current; v < migrations.length; v++) {
    db.run('BEGIN');
    db.run(migrations[v]!);
    db.run(`PRAGMA user_version = ${v + 1}`);
    db.run('COMMIT');
  }
  return current < migrations.length;
}

/** temp file → fsync → rename → fsync the folder, so a crash leaves either the old or the new file. */
export function writeAtomically(fs: Fs, file: string, data: Uint8Array | string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  syncFolder(fs, path.dirname(file));
}

function syncFolder(fs: Fs, dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some filesystems (and memfs) cannot fsync a folder; the rename itself is still atomic.
  }
}

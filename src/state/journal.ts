// The write-ahead journal of a run: `.cratesync/journal.jsonl`. Saving the whole sql.js file before every
// action would cost a full export each time, so intents are appended here (and fsynced) before their
// actions run. At the end of a run they are folded into sync_operations and the journal is emptied; a
// journal that is not empty at start-up is a run that was killed, and its intents are settled against the
// disk (see controller/recover.ts).

import type { Fs } from '../io/fs.ts';
import type { Action, OutcomeStatus } from '../types.ts';

export type JournalRecord =
  | { t: 'begin'; eventId: number; startedAt: string; trigger: string }
  | { t: 'intent'; seq: number; at: string; action: Action }
  | { t: 'done'; seq: number; at: string; status: OutcomeStatus; error?: string };

export interface Journal {
  /** Appends records and fsyncs once for the batch. */
  append(records: JournalRecord[]): void;
  read(): JournalRecord[];
  clear(): void;
}

export function openJournal(fs: Fs, file: string): Journal {
  return {
    append(records) {
      if (records.length === 0) return;
      const fd = fs.openSync(file, 'a');
      try {
        fs.writeSync(fd, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    },
    read() {
      if (!fs.existsSync(file)) return [];
      const text = String(fs.readFileSync(file, 'utf8'));
      const out: JournalRecord[] = [];
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        try {
          out.push(JSON.parse(line) as JournalRecord);
        } catch {
          // A torn last line from a crash mid-append: its action never started.
        }
      }
      return out;
    },
    clear() {
      if (fs.existsSync(file)) fs.unlinkSync(file);
    },
  };
}

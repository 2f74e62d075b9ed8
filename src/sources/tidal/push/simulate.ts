// What TIDAL does to a playlist's entries for each edit, as the API documents it: an add inserts before the
// entry `positionBefore` names (appends without it) and gives each new entry a fresh itemId; a delete removes
// entries by itemId; a move lifts the listed entries and puts them, in the listed order, before the anchor.
// Pure and strict (an unknown itemId, an anchor inside the moved set or an oversized batch throws), so tests
// can check an edit script without a server, and a plan can predict the playlist it leaves behind.

import { ADD_LIMIT, DELETE_LIMIT, type Edit, MOVE_LIMIT, type PlaylistEntry } from './diff.ts';

export function applyEdits(
  current: readonly PlaylistEntry[],
  edits: readonly Edit[],
  newItemId: (n: number) => string = (n) => `new-${n}`,
): PlaylistEntry[] {
  let list = [...current];
  let created = 0;
  const indexOf = (itemId: string) => {
    const i = list.findIndex((e) => e.itemId === itemId);
    if (i < 0) throw new Error(`no entry with itemId ${itemId}`);
    return i;
  };

  for (const edit of edits) {
    switch (edit.op) {
      case 'delete': {
        checkSize(edit.items.length, DELETE_LIMIT, 'delete');
        const gone = new Set(edit.items.map((e) => e.itemId));
        for (const id of gone) indexOf(id);
        list = list.filter((e) => !gone.has(e.itemId));
        break;
      }
      case 'add': {
        checkSize(edit.trackIds.length, ADD_LIMIT, 'add');
        const at = edit.positionBefore === undefined ? list.length : indexOf(edit.positionBefore);
        const added = edit.trackIds.map((trackId) => ({ itemId: newItemId(created++), trackId }));
        list.splice(at, 0, ...added);
        break;
      }
      case 'move': {
        checkSize(edit.items.length, MOVE_LIMIT, 'move');
        const moving = new Set(edit.items.map((e) => e.itemId));
        if (moving.has(edit.positionBefore)) throw new Error('a move cannot anchor on a moved entry');
        const lifted = edit.items.map((e) => list[indexOf(e.itemId)]!);
        list = list.filter((e) => !moving.has(e.itemId));
        list.splice(indexOf(edit.positionBefore), 0, ...lifted);
        break;
      }
    }
  }
  return list;
}

function checkSize(size: number, limit: number, op: string): void {
  if (size < 1 || size > limit) throw new Error(`${op} of ${size} entries (1 to ${limit} allowed)`);
}

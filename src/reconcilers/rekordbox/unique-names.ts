// Owns the rule for playlist names in one folder: rekordbox cannot hold two playlists or folders of the same
// name at one level, and TIDAL allows it. The first of equal names keeps it; each later one gets " (2)",
// " (3)", … in input order, so a name only changes when the playlists before it change.
//
// rekordbox's rule does not say whether case or Unicode form count, so names are compared the cautious
// way, case-insensitively and in NFC: a suffix is cheaper than an import that merges two playlists.
// A suffix never takes a name another playlist has as its own ("Peak", "Peak", "Peak (2)" → the second
// is "Peak (3)").

export function uniqueNames(names: readonly string[]): string[] {
  const own = new Set(names.map(nameKey));
  const taken = new Set<string>();
  return names.map((name) => {
    let chosen = name;
    if (taken.has(nameKey(name))) {
      for (let n = 2; ; n++) {
        chosen = `${name} (${n})`;
        const key = nameKey(chosen);
        if (!taken.has(key) && !own.has(key)) break;
      }
    }
    taken.add(nameKey(chosen));
    return chosen;
  });
}

function nameKey(name: string): string {
  return name.normalize('NFC').toLowerCase().normalize('NFC');
}

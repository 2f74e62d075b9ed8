// When is a source listing too suspicious to prune from? A listing that came back short, empty where the
// library had content, or without a playlist library.yaml names explicitly is never read as "delete
// everything": the pass still downloads and links, but moves and removes nothing.

import type { Layout } from '../reconcilers/files/layout.ts';
import type { StateView } from '../types.ts';

export function unsafeListing(layout: Layout, state: StateView): string | undefined {
  if (layout.missingIds.length > 0) {
    return `playlist(s) ${layout.missingIds.join(', ')} listed in library.yaml did not come back from the source`;
  }
  for (const p of layout.playlists) {
    const expected = p.source.expectedItems;
    if (expected !== undefined && p.source.items.length < expected) {
      return `playlist "${p.name}" came back short (${p.source.items.length} of ${expected} items)`;
    }
  }
  const hadContent = [...state.playlists.values()].some((p) => p.itemCount > 0);
  const hasContent = layout.playlists.some((p) => p.items.length > 0);
  if (hadContent && !hasContent) {
    return 'the source listing came back empty while the library has content';
  }
  return undefined;
}

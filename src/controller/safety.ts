// When is a source listing too suspicious to prune from? A listing that came back empty where the library
// had content, or without a playlist library.yaml names explicitly, is never read as "delete everything":
// the pass still downloads and links, but moves and removes nothing. (A single playlist read only in part
// is handled on its own: see isShortRead in reconcilers/files/layout.ts.)

import type { Layout } from '../reconcilers/files/layout.ts';
import type { StateView } from '../types.ts';

export function unsafeListing(layout: Layout, state: StateView): string | undefined {
  if (layout.missingIds.length > 0) {
    return `playlist(s) ${layout.missingIds.join(', ')} listed in library.yaml did not come back from the source`;
  }
  const hadContent = [...state.playlists.values()].some((p) => p.itemCount > 0);
  const hasContent = layout.playlists.some((p) => p.items.length > 0);
  if (hadContent && !hasContent) {
    return 'the source listing came back empty while the library has content';
  }
  return undefined;
}

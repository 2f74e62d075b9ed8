// How a TIDAL playlist says "cratesync made me": a marker in its description. The state DB's record of the
// playlists we created is the authority; the marker is the second check before any write, so a playlist id
// that somehow points at someone's own playlist is still never touched.

export const MANAGED_MARKER = '[managed by cratesync]';

export function isManaged(description: string | undefined): boolean {
  return description?.includes(MANAGED_MARKER) ?? false;
}

/** `text` with the marker appended once (a description the user never sees otherwise stays readable). */
export function withMarker(text: string | undefined): string {
  const base = (text ?? '').trim();
  if (isManaged(base)) return base;
  return base === '' ? MANAGED_MARKER : `${base} ${MANAGED_MARKER}`;
}

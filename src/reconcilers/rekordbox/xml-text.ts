// Owns how free text becomes an XML 1.0 attribute value in the rekordbox export.
//
// - The reference asks for `& < > "` to be escaped; attributes are always double-quoted, so `'` stays.
// - XML 1.0 forbids some characters outright, even as `&#n;` references: C0 controls other than tab, LF
//   and CR, U+FFFE, U+FFFF and unpaired surrogates. One of them makes the whole file unreadable, so they
//   are dropped.
// - Tab, LF and CR are allowed but a parser folds them into spaces inside attributes; they become a
//   space here so that what we hash is what rekordbox shows.

const FORBIDDEN_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
// Without the `u` flag each surrogate half is seen on its own, so a half without its partner can match.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const WHITESPACE_CONTROL = /[\t\n\r]/g;

/** The text as rekordbox will hold it: forbidden characters dropped, tab and newlines as spaces. */
export function xmlText(s: string): string {
  return s.replace(FORBIDDEN_CONTROL, '').replace(LONE_SURROGATE, '').replace(WHITESPACE_CONTROL, ' ');
}

/** `xmlText(s)` escaped for a double-quoted attribute value. */
export function escapeAttr(s: string): string {
  return xmlText(s)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

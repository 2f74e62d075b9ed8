// `download.output`: a glob naming where a downloader's file lands, with {dir} (the staging folder) and
// {id} (the track id) substituted as literal text, so a folder or id holding '*' or '?' is no pattern.
// Supports `**` (any number of folders, as a whole path segment), `*` and `?` (never across a '/').
// node's path.matchesGlob exists in Node 20.20 but prints an ExperimentalWarning on first use.

export interface OutputVars {
  dir: string;
  id: string;
}

const TOKEN = /(\{(?:dir|id)\})/;

/** A relative pattern is relative to {dir}, where the staging folder is. */
export function anchorOutput(output: string): string {
  return output.startsWith('{dir}') || output.startsWith('/') ? output : `{dir}/${output}`;
}

export function compileOutputGlob(output: string, vars: OutputVars): RegExp {
  let source = '';
  let prev = '';
  for (const [i, part] of anchorOutput(output).split(TOKEN).entries()) {
    // split() with a capture group puts the tokens at the odd indexes.
    const literal = i % 2 === 1 ? (part === '{dir}' ? vars.dir : vars.id) : undefined;
    source += literal === undefined ? globSource(part, prev) : escapeRegExp(literal);
    prev = (literal ?? part).slice(-1) || prev;
  }
  return new RegExp(`^${source}$`);
}

/** A glob as regex source: `*` and `?` stay within a path segment, `**` spans segments (also used by adopt pins). */
export function globSource(glob: string, prevChar = '/'): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    const before = i === 0 ? prevChar : glob[i - 1];
    if (c === '*' && glob[i + 1] === '*' && (before === '' || before === '/')) {
      const after = glob[i + 2];
      if (after === '/') {
        out += '(?:[^/]*/)*';
        i += 2;
        continue;
      }
      if (after === undefined) {
        out += '.*';
        i += 1;
        continue;
      }
    }
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += escapeRegExp(c);
  }
  return out;
}

function escapeRegExp(text: string): string {
  // Only what is special in a RegExp source: the result also serves `u`-flag patterns, where `\-` is an error.
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

// The child playlist language, as the rest of cratesync uses it: the loader compiles `children:` (compile),
// the controller checks the compiled children against the observed base playlists (check) and evaluates
// them (evaluate). The other files of this folder are its parts.

export { checkChildren } from './check.ts';
export { type CompiledChildren, compileChildren } from './compile.ts';
export { evaluateChildren, toBaseInput } from './evaluate.ts';
export { FIELDS, type FieldDef, type FieldType, type TrackContext } from './fields.ts';
export { compatibleKeys, parseKey, trackKey } from './keys.ts';
export { parseQuery } from './query.ts';
export type * from './types.ts';

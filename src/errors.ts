// Error classes a user can cause or meet. The CLI maps each to a clear message and exit code 1;
// nothing here carries secrets.

/** library.yaml or a catalogue file is wrong. `issues` carry FILE:LINE:COL locations. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly issues: ConfigIssue[] = [],
  ) {
    super(message);
  }
}

export interface ConfigIssue {
  file: string;
  line: number;
  col: number;
  message: string;
}

export function formatIssue(issue: ConfigIssue): string {
  return `${issue.file}:${issue.line}:${issue.col}: ${issue.message}`;
}

/** A ConfigError as the watcher shows it: every issue as FILE:LINE:COL: message (any other error: its message). */
export function describeConfigError(err: unknown): string {
  if (err instanceof ConfigError && err.issues.length > 0) return err.issues.map(formatIssue).join('\n');
  return err instanceof Error ? err.message : String(err);
}

/** The source could not be read. Retryable errors (timeouts, 429, 5xx) may succeed on a later run. */
export class SourceError extends Error {
  override readonly name = 'SourceError';
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** An action could not be applied. */
export class ApplyError extends Error {
  override readonly name = 'ApplyError';
}

/** Another cratesync process holds the library lock. */
export class LockedError extends Error {
  override readonly name = 'LockedError';
}

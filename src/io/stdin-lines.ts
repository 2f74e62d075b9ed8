// Lines typed (or piped) on stdin, for prompts that wait for something pasted while other work goes on.

import readline from 'node:readline';

/** Yields each line of stdin until EOF or until `signal` aborts; stops reading stdin afterwards. */
export async function* stdinLines(signal: AbortSignal): AsyncGenerator<string> {
  if (signal.aborted) return;
  const rl = readline.createInterface({ input: process.stdin, terminal: false });
  const stop = () => rl.close();
  signal.addEventListener('abort', stop, { once: true });
  try {
    for await (const line of rl) {
      if (signal.aborted) return;
      yield line;
    }
  } finally {
    signal.removeEventListener('abort', stop);
    rl.close();
    // A paused stdin no longer keeps the event loop alive once the prompt is over.
    process.stdin.pause();
  }
}

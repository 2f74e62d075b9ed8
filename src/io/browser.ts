// Opening a URL in the user's browser, best effort: the caller has printed the URL anyway, so any failure
// here just means "false" and the user copies it by hand.

import { spawn } from 'node:child_process';

type Env = Record<string, string | undefined>;

/** True when a browser launcher was started (not a promise that a browser showed the page). */
export function openBrowser(
  url: string,
  platform: NodeJS.Platform = process.platform,
  env: Env = process.env,
): Promise<boolean> {
  const command = launcher(url, platform, env);
  if (!command) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      // No shell, and the URL is one argv entry: its `&`s must reach the browser intact.
      const child = spawn(command[0]!, command.slice(1), { stdio: 'ignore', detached: true });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}

function launcher(url: string, platform: NodeJS.Platform, env: Env): string[] | undefined {
  if (platform === 'darwin') return ['open', url];
  // `start` is a cmd.exe builtin that re-parses `&`; the URL protocol handler takes the URL as is.
  if (platform === 'win32') return ['rundll32', 'url.dll,FileProtocolHandler', url];
  // Without a display xdg-open may start a text browser that takes over this terminal.
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return undefined;
  return ['xdg-open', url];
}

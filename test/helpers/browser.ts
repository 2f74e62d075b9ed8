// Headless Chromium for browser tests: Debian's `chromium` package driven by playwright-core, which downloads
// nothing. `.ci/run` installs the package when /usr/bin/chromium is missing; a test that cannot find it
// fails with a message saying how to get it (it does not skip: a skipped browser test reads as a passing one).
//
// Used by the dashboard test against a fake ApiPort (test/browser/dashboard.test.ts) and against a real
// `cratesync watch` process (test/browser/watcher-dashboard.test.ts): launchChromium() + openPage() + the
// dashboard accessors below only need a URL.

import fs from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';

/** Where Debian puts its chromium; `CRATESYNC_CHROMIUM` points elsewhere (another distribution, a Mac). */
export const CHROMIUM_PATH = process.env.CRATESYNC_CHROMIUM || '/usr/bin/chromium';

/** Generous: two cores busy with the rest of the suite can make a cold Chromium start take seconds. */
export const LAUNCH_TIMEOUT_MS = 60_000;
/** Default wait of every page action and selector. */
export const PAGE_TIMEOUT_MS = 30_000;

export class ChromiumMissingError extends Error {
  constructor(detail: string) {
    super(
      `headless Chromium is not available (${detail}). The browser tests need Debian's chromium: ` +
        '`apt-get install -y chromium` as root (.ci/run does this), or set CRATESYNC_CHROMIUM to a ' +
        'Chromium or Chrome executable.',
    );
    this.name = 'ChromiumMissingError';
  }
}

/** Throws ChromiumMissingError when the executable is absent or cannot be run. */
export async function launchChromium(executablePath: string = CHROMIUM_PATH): Promise<Browser> {
  try {
    fs.accessSync(executablePath, fs.constants.X_OK);
  } catch {
    throw new ChromiumMissingError(`no executable at ${executablePath}`);
  }
  try {
    return await chromium.launch({
      executablePath,
      headless: true,
      timeout: LAUNCH_TIMEOUT_MS,
      // Containers often give /dev/shm little room; Chromium then crashes tabs instead of slowing down.
      args: ['--disable-dev-shm-usage', '--disable-gpu', '--no-first-run', '--no-default-browser-check'],
    });
  } catch (err) {
    throw new ChromiumMissingError(`${executablePath} did not start: ${(err as Error).message}`);
  }
}

/** Launches Chromium on first use and shares it; call close() in afterAll. */
export function sharedChromium(): { get(): Promise<Browser>; close(): Promise<void> } {
  let launching: Promise<Browser> | undefined;
  return {
    get: () => {
      launching ??= launchChromium();
      return launching;
    },
    close: async () => {
      const pending = launching;
      launching = undefined;
      if (!pending) return;
      const browser = await pending.catch(() => undefined);
      await browser?.close();
    },
  };
}

export interface TestPage {
  page: Page;
  context: BrowserContext;
  /** Uncaught exceptions, console errors (CSP violations show here) and failed requests, as text. */
  problems: string[];
  close(): Promise<void>;
}

/** A fresh context (no shared storage) and a page on `url`, with problems recorded. */
export async function openPage(browser: Browser, url: string): Promise<TestPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(PAGE_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(PAGE_TIMEOUT_MS);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('requestfailed', (req) => {
    // An event stream cut when the page closes is not a problem.
    if (req.resourceType() !== 'eventsource') problems.push(`request failed: ${req.method()} ${req.url()}`);
  });
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  return { page, context, problems, close: () => context.close() };
}

// ---- The dashboard (src/api/dashboard.ts), by its data-testid attributes ----

/** Waits until the first status has been rendered and the progress stream is connected. */
export async function waitForDashboard(page: Page): Promise<void> {
  await page.getByTestId('last-updated').filter({ hasText: 'updated' }).waitFor();
  await page
    .getByTestId('stream-state')
    .filter({ hasText: /^live$/ })
    .waitFor();
}

export function playlistRow(page: Page, name: string): Locator {
  return page.locator(`[data-testid="playlist-row"][data-name="${cssString(name)}"]`);
}

export async function playlistNames(page: Page): Promise<string[]> {
  return page
    .getByTestId('playlist-row')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name') ?? ''));
}

/** One row of the recent-runs table; with `status`, only while it shows that status. */
export function runRow(page: Page, id: number, status?: string): Locator {
  const withStatus = status === undefined ? '' : `[data-status="${cssString(status)}"]`;
  return page.locator(`[data-testid="run-row"][data-run-id="${id}"]${withStatus}`);
}

export async function runIds(page: Page): Promise<number[]> {
  return page
    .getByTestId('run-row')
    .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-run-id'))));
}

function cssString(text: string): string {
  return text.replace(/["\\]/g, '\\$&').replace(/\n/g, '\\a ');
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { makeTempDir } from '../../../../test/helpers/tempDir';

/** Debian's Chromium (scripts/install-system-deps.sh installs it). */
export const CHROMIUM = '/usr/bin/chromium';

/** Where the browser tests leave their screenshots (the README's come from here). */
export const SCREENSHOTS = path.resolve(__dirname, '..', '..', '..', '..', '.tmp', 'ui-screenshots');

/**
 * Headless Chromium with a fresh profile. Without the background-networking flags Chromium keeps
 * trying to reach Google's services, and on a machine without internet those blocked connections
 * flood it.
 */
export async function launchChromium(): Promise<BrowserContext> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run bash scripts/install-system-deps.sh`);
  return chromium.launchPersistentContext(makeTempDir('transcriber-chromium-'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * Everything that went wrong in a page while watched: console errors, uncaught exceptions,
 * requests that failed or were answered with an error status. A test fails on any of them.
 */
export function watchPage(page: Page): { problems: string[]; stop(): void } {
  const problems: string[] = [];
  let watching = true;
  page.on('console', (message) => {
    if (watching && message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => watching && problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    if (watching) problems.push(`request failed: ${request.url()} (${request.failure()?.errorText ?? '?'})`);
  });
  page.on('response', (response) => {
    if (watching && response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return {
    problems,
    stop() {
      watching = false;
    },
  };
}

/** Opens a page of the view by its hash and waits until it has drawn its data. */
export async function openView(page: Page, baseUrl: string, hash: string): Promise<void> {
  await afterAction(page, () => page.goto(`${baseUrl}${hash}`));
}

/**
 * Does something that moves to another page of the view (a click, a hash change) and waits until
 * that page has drawn: the old page's "ready" is cleared first, so it cannot be mistaken for the new.
 */
export async function afterAction(page: Page, action: () => Promise<unknown>): Promise<void> {
  await page
    .evaluate(() => {
      const content = document.getElementById('content');
      if (content !== null) content.dataset.state = 'stale';
    })
    .catch(() => undefined); // nothing loaded yet
  await action();
  await waitReady(page);
}

/** Waits until the current page has drawn its data; fails fast if it shows an error. */
export async function waitReady(page: Page, timeout = 20_000): Promise<void> {
  await page.waitForSelector('#content[data-state="ready"], #content[data-state="error"]', { timeout });
  const state = await page.$eval('#content', (el) => (el as HTMLElement).dataset.state);
  if (state !== 'ready') throw new Error(`the page shows an error: ${await page.textContent('#content')}`);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * Gives each test of the file a new page of the browser (`onPage` receives it), watched, and fails
 * the test on anything that went wrong in it (see watchPage). Call at the top of a describe block.
 */
export function eachTestWatchedPage(browser: () => BrowserContext, onPage: (page: Page) => void): void {
  let page: Page;
  let watcher: ReturnType<typeof watchPage>;
  beforeEach(async () => {
    page = await browser().newPage();
    watcher = watchPage(page);
    onPage(page);
  });
  afterEach(async () => {
    const problems = [...watcher.problems];
    watcher.stop();
    await page.close();
    expect(problems).toEqual([]);
  });
}

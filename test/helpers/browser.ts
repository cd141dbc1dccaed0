/**
 * The real browser of the browser tests: the Debian Chromium (scripts/chromium.sh finds or installs it) driven by
 * playwright-core, in a throw-away profile, Vietnamese first as our merchants see it. Screenshots go to
 * test-output/screenshots/.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const SCREENSHOTS_DIR = path.resolve(__dirname, '../../test-output/screenshots');

/** No sandbox (the tests run as root), no GPU, and nothing that reaches beyond 127.0.0.1 on its own. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let executable: string | undefined;
function chromiumPath(): string {
  executable ??= execFileSync('bash', [path.resolve(__dirname, '../../scripts/chromium.sh')], { encoding: 'utf8' }).trim();
  return executable;
}

export interface BrowserPage {
  context: BrowserContext;
  page: Page;
  /** Leaves the page (its polling stops before the stack does), closes the browser and removes the profile. */
  close(): Promise<void>;
}

/** One page in a browser of its own (a persistent profile under the temp dir, removed by close()). */
export async function openBrowserPage(name: string, viewport: { width: number; height: number }): Promise<BrowserPage> {
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-chromium-`));
  const context = await chromium.launchPersistentContext(profileDir, { executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS, viewport, locale: 'vi-VN' });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(30_000);
  return {
    context,
    page,
    close: async () => {
      await page.goto('about:blank').catch(() => undefined);
      await context.close();
      fs.rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

/** A browser for several contexts (several merchants side by side). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
}

/** A full-page screenshot as test-output/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS_DIR, `${name}.png`), fullPage: true });
}

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT } from './stack';

/** Where browser tests leave their screenshots (looked at before a page is called done). */
export const ARTEFACTS = join(ROOT, 'artifacts', 'test');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The page's document in functions run by the browser (tests compile without DOM types). */
type InPage = { document: { body: { dataset: Record<string, string> }; documentElement: { scrollWidth: number } } };

/**
 * One headless Chromium page (tools/stack/infra.sh browser installs it) for a browser test, with
 * what the user would notice gathered on the way: console errors, page errors and failed requests
 * (`problems`, expected empty).
 */
export interface BrowserPage {
  browser: Browser;
  page: Page;
  problems: string[];
  /** Resolves when the console has finished drawing (body[data-ready="true"]). */
  ready(): Promise<void>;
  /** The document's width: more than the viewport means the page scrolls sideways. */
  width(): Promise<number>;
  /** Signs in on the console's sign-in card. */
  signIn(key: string): Promise<void>;
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function openBrowserPage(options: { width?: number; height?: number; acceptDownloads?: boolean } = {}): Promise<BrowserPage> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: options.width ?? 1280, height: options.height ?? 900 }, acceptDownloads: options.acceptDownloads ?? false });
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
  mkdirSync(ARTEFACTS, { recursive: true });
  const ready = async () => {
    await page.waitForFunction(() => (globalThis as unknown as InPage).document.body.dataset.ready === 'true', undefined, { timeout: 20_000 });
  };
  return {
    browser,
    page,
    problems,
    ready,
    width: () => page.evaluate(() => (globalThis as unknown as InPage).document.documentElement.scrollWidth),
    signIn: async (key) => {
      await page.getByTestId('credential').fill(key);
      await page.getByTestId('signin-submit').click();
    },
    screenshot: async (name) => {
      await page.screenshot({ path: join(ARTEFACTS, name), fullPage: true });
    },
    close: () => browser.close(),
  };
}

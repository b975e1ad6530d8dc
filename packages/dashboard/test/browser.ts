import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser), with the flags that
 * keep it off the network on these machines. Playwright gives each launch a fresh, temporary
 * profile directory. `CHROMIUM_PATH` overrides `/usr/bin/chromium`.
 */
export async function launchBrowser(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return { browser, close: () => browser.close() };
}

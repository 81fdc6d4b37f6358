/**
 * Debian's chromium for the browser tests, driven by playwright-core (never a downloaded browser).
 * When it is missing and the tests run as root, it is installed with `apt-get install -y chromium`
 * once; otherwise the browser tests say why they cannot run. Each launch gets a new empty profile
 * in the temporary directory, removed on close.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Makes sure chromium is there; returns why not when it cannot be. */
export function ensureChromium(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  if (process.getuid?.() !== 0) return `${CHROMIUM} is missing (install it with: apt-get install -y chromium)`;
  try {
    execFileSync('apt-get', ['install', '-y', 'chromium'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch (err) {
    return `apt-get install -y chromium failed: ${(err as Error).message}`;
  }
  return existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is still missing after apt-get install`;
}

export interface RunningBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A new empty profile (--user-data-dir, which Playwright passes for a persistent context) per launch. */
export async function launchChromium(options: { width?: number; height?: number } = {}): Promise<RunningBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'tessera-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    // axe-core is injected as a script; the pages' CSP would (rightly) refuse it.
    bypassCSP: true,
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Where every browser test saves its screenshots (the README names it): $TMPDIR/tessera-screenshots. */
export const SCREENSHOTS = join(tmpdir(), 'tessera-screenshots');

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe-core's serious and critical violations on the page as it is now, one line each (empty: none). */
export async function axe(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  // Evaluated in the page (the test's TypeScript has no DOM types).
  const violations = (await page.evaluate(`axe.run({ resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) })))`)) as Array<{ id: string; impact: string; targets: string[] }>;
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.targets.join(', ')}`);
}

/** Bytes transferred for a first load of `url` (compressed, from Resource Timing) and the time until `ready` is visible: reported, never asserted. */
export async function weigh(page: Page, url: string, ready: string): Promise<{ kb: number; ms: number }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.clearBrowserCache');
  await cdp.detach();
  const t0 = Date.now();
  await page.goto(url);
  await page.locator(ready).first().waitFor();
  const ms = Date.now() - t0;
  const bytes = (await page.evaluate(
    `performance.getEntriesByType('navigation')[0].transferSize + performance.getEntriesByType('resource').reduce((n, r) => n + r.transferSize, 0)`,
  )) as number;
  return { kb: Math.round(bytes / 102.4) / 10, ms };
}

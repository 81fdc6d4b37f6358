#!/usr/bin/env node
// `npm run screenshots`: regenerates the README's pictures in docs/screenshots/ from a real
// `tessera serve --demo` (fresh data dir in the temporary directory, 127.0.0.1, port 0) driven by
// Debian's chromium through playwright-core: the demo after a guest run with its detailed API flow
// open, the token doctor on a good token, and the console. Run by hand after changing the pages;
// the tests save their own screenshots in $TMPDIR/tessera-screenshots/ and never write here.
import { mkdirSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const out = join(root, 'docs', 'screenshots');
const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  console.error(`${CHROMIUM} is missing: install it with apt-get install -y chromium`);
  process.exit(2);
}
const { loadConfig } = await import(pathToFileURL(join(root, 'dist/src/config/index.js')).href);
const { createTessera } = await import(pathToFileURL(join(root, 'dist/src/app.js')).href);
const { chromium } = await import('playwright-core');
const pino = (await import('pino')).default;

const dataDir = mkdtempSync(join(tmpdir(), 'tessera-screenshots-data-'));
const profile = mkdtempSync(join(tmpdir(), 'tessera-screenshots-profile-'));
const tessera = await createTessera(loadConfig({ host: '127.0.0.1', port: 0, dataDir, demo: true }), { logger: pino({ level: 'warn' }) });
let browser;
try {
  const { url } = await tessera.listen();
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage();
  mkdirSync(out, { recursive: true });

  await page.goto(`${url}/`);
  await page.getByRole('button', { name: 'Test guest access' }).click();
  await page.getByRole('heading', { name: /^Guest access — credentials received/ }).waitFor();
  await page.locator('#result table').waitFor();
  await page.getByRole('button', { name: 'View detailed API flow' }).click();
  await page.screenshot({ path: join(out, 'demo.png'), fullPage: true });
  console.log('docs/screenshots/demo.png');

  const creds = tessera.rootCredentials;
  await page.goto(`${url}/doctor`);
  await page.getByLabel('Access key id').fill(creds.accessKeyId);
  await page.getByLabel('Secret access key').fill(creds.secretAccessKey);
  await page.getByRole('button', { name: 'Use these credentials' }).click();
  await page.locator('main h1').waitFor();
  await page.screenshot({ path: join(out, 'doctor.png'), fullPage: true });
  console.log('docs/screenshots/doctor.png');

  await page.goto(`${url}/console`);
  await page.locator('[role=tab]').first().waitFor();
  await page.screenshot({ path: join(out, 'console.png'), fullPage: true });
  console.log('docs/screenshots/console.png');
} finally {
  await browser?.close();
  await tessera.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(profile, { recursive: true, force: true });
}

import t from 'tap';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { freePort, get, Home, ROOT, writeEcosystem } from '../helpers/harness.js';

const CHROMIUM = '/usr/bin/chromium';
/** Where the screenshot goes (gitignored): test/.tmp/dashboard.png. */
const SCREENSHOT = join(ROOT, 'test', '.tmp', 'dashboard.png');
const WAIT_MS = 30_000;

/** What the functions run inside the page use of it (the project compiles without the DOM lib). */
type PageGlobal = { document: { querySelectorAll(selector: string): { length: number }; querySelector(selector: string): { textContent: string | null } | null }; hotctlMarker?: number };

t.test(
  'the dashboard shows the workers, then revision 2 replacing revision 1 during a reload from the CLI, without a refresh',
  { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (CI installs the Debian chromium package)` },
  async (t) => {
    const httpPort = await freePort();
    const home = new Home(t, { HOTCTL_HTTP_PORT: String(httpPort) });
    const appPort = await freePort();
    const file = writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', instances: 2, env: { PORT: appPort } }]);
    const started = await home.run(['start', file]);
    t.equal(started.code, 0, started.stderr);
    const url = (await home.status()).daemon.http;
    t.equal(url, `http://127.0.0.1:${httpPort}`, 'status --json names the listener');

    const profile = mkdtempSync(join(tmpdir(), 'hc-chromium-'));
    let context: BrowserContext | null = null;
    t.teardown(async () => {
      await context?.close();
      rmSync(profile, { recursive: true, force: true });
    });
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
      timeout: WAIT_MS,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(url!, { timeout: WAIT_MS });

    const rows = (revision: number) => `tr.worker[data-app="api"][data-revision="${revision}"]`;
    await page.waitForFunction((sel) => (globalThis as unknown as PageGlobal).document.querySelectorAll(`${sel}[data-state="ready"]`).length === 2, rows(1), { timeout: WAIT_MS });
    t.equal(await page.locator(rows(1)).count(), 2, 'both workers at revision 1');
    // A marker on the window: if the page were reloaded, it would be gone.
    await page.evaluate(() => ((globalThis as unknown as PageGlobal).hotctlMarker = 42));

    const reload = await home.run(['reload', 'api']);
    t.equal(reload.code, 0, reload.stderr);

    await page.waitForFunction(
      ([two, one]) => {
        const { document } = globalThis as unknown as PageGlobal;
        // Revision 1 stays, parked for the rollback window.
        return document.querySelectorAll(`${two}[data-state="ready"]`).length === 2 && document.querySelectorAll(`${one}[data-state="parked"]`).length === 2;
      },
      [rows(2), rows(1)] as const,
      { timeout: WAIT_MS },
    );
    t.equal(await page.locator(rows(2)).count(), 2, 'two workers at revision 2');
    t.equal(await page.locator(`${rows(1)}[data-state="parked"]`).count(), 2, 'revision 1 parked (the rollback window)');
    t.equal(await page.locator(`${rows(1)} .badge[data-badge="parked"][data-tone="idle"]`).count(), 2, 'parked workers have the tone "idle"');
    t.equal(await page.evaluate(() => (globalThis as unknown as PageGlobal).hotctlMarker), 42, 'the same page, never refreshed');
    t.equal(await page.locator('section.app[data-app="api"]').getAttribute('data-revision'), '2');
    t.equal(await page.locator('body').getAttribute('data-connection'), 'open');
    // Tones and numbers come from the CLI's own modules (src/format/, served at /lib/format/).
    t.equal(await page.locator(`${rows(2)} .badge[data-badge="ready"][data-tone="good"]`).count(), 2, 'ready workers have the tone "good"');
    t.equal(await page.locator('section.app[data-app="api"]').getAttribute('data-tone'), 'good', 'an online app has the tone "good"');
    // Request outcomes per revision (issue 12): requests, error rate and p99 beside the revision.
    for (let i = 0; i < 4; i++) t.equal((await get(appPort)).status, 200);
    await page.waitForFunction(
      (sel) => /\b4 req · 0% errors · p99 /.test((globalThis as unknown as PageGlobal).document.querySelector(sel)?.textContent ?? ''),
      'tbody[data-revision-group="2"] .outcomes',
      { timeout: WAIT_MS },
    );
    t.pass('revision 2 shows its 4 requests, 0% errors and a p99');
    t.same(pageErrors, [], 'no script error on the page');

    mkdirSync(join(ROOT, 'test', '.tmp'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    t.comment(`screenshot: ${SCREENSHOT}`);
  },
);

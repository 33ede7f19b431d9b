// Puppeteer attaches to the Chromium netcustody spawned through puppeteer-core's CDP connector alone
// (half the module loading of Puppeteer's API), with the API as the fallback; and the browser says
// when the first page is sent to print, so `run` loads the zip writer while Chromium prints.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chromiumArgs, spawnChromium } from '../../src/report/browser-spawn.js';
import { LAUNCH_FLAGS, browserEnvironment, isHeadlessShell, launchPrintBrowser, resolveBrowser } from '../../src/report/browser.js';
import { cdpConnectorFile, loadConnector, type BrowserConnect } from '../../src/report/browser-connect.js';

const work = mkdtempSync(join(tmpdir(), 'nc-browser-connect-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Spawn Chromium as launchPrintBrowser does, connect with `connect`, print one page, end it. */
async function printWith(connect: BrowserConnect, name: string): Promise<{ pdf: Buffer; version: string }> {
  const executable = await resolveBrowser();
  const profile = join(work, name);
  mkdirSync(join(profile, 'tmp'), { recursive: true });
  const args = chromiumArgs({ headlessShell: isHeadlessShell(executable), userDataDir: join(profile, 'profile'), args: [...LAUNCH_FLAGS, `--crash-dumps-dir=${join(profile, 'crash')}`] });
  const spawned = spawnChromium(executable, args, browserEnvironment(profile));
  try {
    const browser = await Promise.race([connect(spawned.transport), spawned.failed]);
    spawned.connected();
    const version = await browser.version();
    const page = await browser.newPage();
    await page.setContent('<p>netcustody</p>');
    const pdf = Buffer.from(await page.pdf({ format: 'a4' }));
    await browser.disconnect();
    return { pdf, version };
  } finally {
    process.kill(-spawned.child.pid!, 'SIGKILL');
  }
}

describe('connecting to the spawned Chromium', () => {
  it("uses puppeteer-core's CDP connector, the function puppeteer.connect({ transport }) ends in", async () => {
    const { connect, via } = await loadConnector();
    expect(via).toBe('cdp-connector');
    // What puppeteer.connect() does with a transport in this Puppeteer: no endpoint URL, the options as given.
    const common = readFileSync(join(cdpConnectorFile(), '..', '..', 'common', 'BrowserConnector.js'), 'utf8');
    expect(common).toContain("return { connectionTransport: transport, endpointUrl: '' };");
    expect(common).toContain('await _connectToCdpBrowser(connectionTransport, endpointUrl, options);');
    const { pdf, version } = await printWith(connect, 'cdp');
    expect(version).toMatch(/Chrome\/\d+/);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  }, 60_000);

  it("falls back to Puppeteer's API when the connector is missing or is no longer the function it was", async () => {
    const changed = join(work, 'BrowserConnector.js');
    writeFileSync(changed, 'export async function _connectToCdpBrowser(transport) { return transport; }\n');
    expect((await loadConnector(join(work, 'no-such-connector.js'))).via).toBe('puppeteer');
    const { connect, via } = await loadConnector(changed);
    expect(via).toBe('puppeteer');
    const { pdf } = await printWith(connect, 'api');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  }, 60_000);

  it('says when the first page is sent to print, and when the browser ends without printing', async () => {
    const printer = await launchPrintBrowser();
    let started = false;
    void printer.printStarted.then(() => (started = true));
    const page = await printer.browser.newPage();
    await page.setContent('<p>before the print</p>');
    await new Promise((r) => setTimeout(r, 50));
    expect(started).toBe(false);
    const printing = page.pdf({ format: 'a4' });
    await printer.printStarted;
    expect(started).toBe(true);
    expect(Buffer.from(await printing).subarray(0, 5).toString()).toBe('%PDF-');
    await printer.close();

    // A report that fails before printing must not leave `run` waiting on the signal.
    const unused = await launchPrintBrowser();
    await unused.close();
    await unused.printStarted;
  }, 60_000);
});

// netcustody spawns Chromium itself (so it starts while Puppeteer loads) and Puppeteer connects over
// the pipe: the command line must be the one puppeteer.launch() would give it, whatever Puppeteer's
// version says, and a browser that dies at start is one clear error with nothing left behind.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer';
import { afterAll, describe, expect, it } from 'vitest';
import { chromiumArgs } from '../../src/report/browser-spawn.js';
import { LAUNCH_FLAGS, launchPrintBrowser } from '../../src/report/browser.js';
import { processesNaming } from '../helpers/processes.js';

const work = mkdtempSync(join(tmpdir(), 'nc-browser-spawn-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('Chromium spawned before Puppeteer loads', () => {
  it("gives Chromium exactly puppeteer.launch()'s command line (headless shell and full browser)", () => {
    const args = [...LAUNCH_FLAGS, '--crash-dumps-dir=/p/crash'];
    for (const [headlessShell, headless] of [[true, 'shell'], [false, true]] as const) {
      expect(chromiumArgs({ headlessShell, userDataDir: '/p/profile', args })).toEqual([...puppeteer.defaultArgs({ headless, userDataDir: '/p/profile', args }), '--remote-debugging-pipe']);
    }
  });

  it('prints through the connected browser and leaves no process or profile after close', async () => {
    const printer = await launchPrintBrowser();
    expect(printer.version).toMatch(/Chrome\/\d+/);
    expect(processesNaming(printer.profile).length).toBeGreaterThan(0);
    const page = await printer.browser.newPage();
    await page.setContent('<p>netcustody</p>');
    const pdf = Buffer.from(await page.pdf({ format: 'a4' }));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await printer.close();
    expect(existsSync(printer.profile)).toBe(false);
    expect(printer.browser.connected).toBe(false);
    // Killed as a process group: no helper (zygote, renderer) outlives close(). SIGKILL is delivered
    // asynchronously: wait (no time limit asserted) until the kernel has ended them.
    await expect.poll(() => processesNaming(printer.profile), { timeout: 30_000, interval: 50 }).toEqual([]);
  });

  it('a program that is no browser fails the launch with one line and removes its profile', async () => {
    const fake = join(work, 'fake-chrome');
    writeFileSync(fake, '#!/bin/sh\necho "not a browser" >&2\nexit 3\n', { mode: 0o755 });
    const temp = join(work, 'tmp');
    mkdirSync(temp);
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = temp;
    try {
      await expect(launchPrintBrowser(fake)).rejects.toThrow(/^cannot start the browser .*fake-chrome: the browser exited at start \(code 3\): not a browser$/);
    } finally {
      process.env.TMPDIR = saved;
    }
    expect(readdirSync(temp)).toEqual([]);
  });
});

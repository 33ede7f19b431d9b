// `run` hands the report a browser still being launched: the HTML is drafted meanwhile and the
// browser's version filled in after. What the report names must be the browser that printed it.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCustody } from '../../src/evidence/custody.js';
import { PATHS } from '../../src/evidence/folder.js';
import { buildReport, launchPrintBrowser, type PrintBrowser } from '../../src/report/index.js';
import { writeEvidenceFolder } from '../../src/report/synthetic-evidence.js';
import { windowsSeedHost } from '../../src/report/synthetic-hosts.js';
import { DEFAULT_TEMPLATE_DIR } from '../../src/report/templates.js';

let work: string;
let configDir: string;
const launched: Promise<PrintBrowser>[] = [];
const now = new Date('2025-03-14T10:00:00Z');

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'nc-browser-version-'));
  configDir = join(work, 'cfg');
});
afterAll(async () => {
  for (const b of launched) await (await b.catch(() => null))?.close();
  rmSync(work, { recursive: true, force: true });
});

function launch(): Promise<PrintBrowser> {
  const b = launchPrintBrowser();
  launched.push(b);
  return b;
}

describe('a report given a browser that is still starting', () => {
  it('names the version of the browser that printed it, in the HTML, the PDF text and custody', async () => {
    const dir = writeEvidenceFolder(join(work, 'plain'), windowsSeedHost());
    const starting = launch();
    const r = await buildReport(dir, { browser: starting, configDir, now });
    const printer = await starting;
    expect(printer.version).toMatch(/Chrome\/\d+\./);
    const html = readFileSync(r.html, 'utf8');
    expect(html).toContain(`<th>Chromium (PDF)</th><td>${printer.version}</td>`);
    expect(html).not.toContain('chromium-version-');
    expect(execFileSync('pdftotext', [r.pdf, '-'], { encoding: 'utf8' })).toContain(printer.version);
    const event = readCustody(dir).at(-1)!;
    expect(event.details).toMatchObject({ browser: printer.version, browserStarted: printer.startedAt.toISOString() });
    // The caller's browser is still usable: the report did not close it.
    expect(printer.browser.connected).toBe(true);
  });

  it('renders again when a lab template prints the version otherwise, or not at all', async () => {
    const printer = launch();
    for (const [name, row] of [
      ['twice', '<td>{{tool.chromium}} / {{tool.chromium}}</td>'],
      ['absent', '<td>see the custody log</td>'],
    ] as const) {
      const custom = join(work, `tpl-${name}`);
      cpSync(DEFAULT_TEMPLATE_DIR, custom, { recursive: true });
      const partial = join(custom, 'partials/validation.hbs');
      writeFileSync(partial, readFileSync(partial, 'utf8').replace('<td>{{tool.chromium}}</td>', row));
      const dir = writeEvidenceFolder(join(work, name), windowsSeedHost());
      const r = await buildReport(dir, { browser: printer, configDir, now, templateDir: custom });
      const html = readFileSync(r.html, 'utf8');
      expect(html, name).not.toContain('chromium-version-');
      const version = (await printer).version;
      if (name === 'twice') expect(html).toContain(`<td>${version} / ${version}</td>`);
      else expect(html).toContain('<td>see the custody log</td>');
    }
  });

  it('a browser that cannot start fails the report with one line, and writes no report', async () => {
    const dir = writeEvidenceFolder(join(work, 'nobrowser'), windowsSeedHost());
    const broken = launchPrintBrowser(join(work, 'no-such-chrome'));
    broken.catch(() => undefined);
    await expect(buildReport(dir, { browser: broken, configDir, now })).rejects.toThrow(/cannot start the browser .*no-such-chrome/);
    expect(existsSync(join(dir, PATHS.reportPdf))).toBe(false);
    expect(readCustody(dir).some((e) => e.action === 'report published')).toBe(false);
  });
});

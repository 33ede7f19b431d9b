// The shipped templates run code precompiled at build time; a lab's template (or an edited one) is
// compiled at run time. Both paths must give the same HTML for the same view, hostile host text included.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStatements } from '../../src/evidence/statements.js';
import { loadReportInput } from '../../src/report/input.js';
import { writeEvidenceFolder } from '../../src/report/synthetic-evidence.js';
import { largeHost, linuxHostileHost, windowsSeedHost } from '../../src/report/synthetic-hosts.js';
import { DEFAULT_TEMPLATE_DIR, loadTemplates } from '../../src/report/templates.js';
import { PRECOMPILED_FILE, precompiledModule } from '../../src/report/templates-precompiled.js';
import { cachedPackageIdentity } from '../../src/report/tool-identity.js';
import { buildView, type ReportView } from '../../src/report/view-model.js';
import { DEFAULT_APPENDIX_LIMIT } from '../../src/report/index.js';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'nc-precompiled-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function viewOf(name: string, host: Parameters<typeof writeEvidenceFolder>[1]): ReportView {
  const dir = writeEvidenceFolder(join(work, name), host);
  const input = loadReportInput(dir);
  return buildView(input, {
    reportId: 'NCR-TEST-1',
    generated: new Date('2026-12-04T00:00:00Z'),
    paper: 'a4',
    examiner: 'Lab <Examiner>',
    organisation: null,
    signer: { subject: 'CN=x', selfSigned: true, fingerprint: '00', source: 'test' },
    appendixLimitBytes: DEFAULT_APPENDIX_LIMIT,
    statements: readStatements(dir, input.acquisition),
    tool: { package: cachedPackageIdentity(), node: process.version, chromium: 'HeadlessChrome/1', template: DEFAULT_TEMPLATE_DIR, defaultTemplate: true },
  });
}

describe('templates precompiled at build time', () => {
  it('the build shipped the default templates precompiled, and that file is what the build would write now', () => {
    // The bootstrap (and npm run build) runs the step after tsc; a stale file would only mean compiling at run time.
    expect(readFileSync(PRECOMPILED_FILE, 'utf8')).toBe(precompiledModule(DEFAULT_TEMPLATE_DIR));
    expect(loadTemplates().precompiled).toBe(true);
    expect(loadTemplates(join(DEFAULT_TEMPLATE_DIR, 'case'), DEFAULT_TEMPLATE_DIR).precompiled).toBe(true);
    expect(loadTemplates(DEFAULT_TEMPLATE_DIR, undefined, { precompiled: false }).precompiled).toBe(false);
  });

  it('renders byte-identical HTML to the templates compiled at run time (seed host, hostile names, a large host)', () => {
    const pre = loadTemplates();
    const compiled = loadTemplates(DEFAULT_TEMPLATE_DIR, undefined, { precompiled: false });
    for (const [name, host] of [['seed', windowsSeedHost()], ['hostile', linuxHostileHost()], ['large', largeHost(2000)]] as const) {
      const view = viewOf(name, host);
      const html = pre.render(view);
      expect(html.length, name).toBeGreaterThan(10_000);
      expect(html, name).toBe(compiled.render(view));
      if (name === 'hostile') expect(html).not.toMatch(/<script>alert/);
    }
  });

  it("a lab's copy with one partial changed compiles that copy at run time and prints the change", () => {
    const lab = join(work, 'lab-template');
    cpSync(DEFAULT_TEMPLATE_DIR, lab, { recursive: true });
    // An unchanged copy has the same texts: its code is the precompiled one.
    expect(loadTemplates(lab).precompiled).toBe(true);
    const cover = join(lab, 'partials', 'cover.hbs');
    writeFileSync(cover, `<p class="lab-mark">Lab 3 edition</p>\n${readFileSync(cover, 'utf8')}`);
    const t = loadTemplates(lab);
    expect(t.precompiled).toBe(false);
    const view = viewOf('lab', windowsSeedHost());
    const html = t.render(view);
    expect(html).toContain('<p class="lab-mark">Lab 3 edition</p>');
    expect(html.replace('<p class="lab-mark">Lab 3 edition</p>\n', '')).toBe(loadTemplates().render(view));
  });
});

// Layout and fidelity of the printed report (issue 12 item 10), read back with pdftotext from the
// PDFs of the demo scenarios: no token split, IPv6 zones kept, custody details as key: value,
// verification commands that run when copied, unique route counts, the exercise summary's wording
// and no nearly blank page.
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { verificationCommands } from '../../src/bundle/commands.js';
import { REPO, runCli, tempDir } from '../helpers/cli.js';
import { readConnections } from '../../src/evidence/folder.js';

const SCENARIOS = join(REPO, 'fixtures/scenarios');

const home = tempDir('nc-home-');

interface Demo {
  evidenceDir: string;
  bundle: string;
  report: string;
}

async function demo(name: string, ...extra: string[]): Promise<Demo> {
  const r = await runCli(['demo', '--scenario', name, '--out', tempDir(), '--json', '--examiner', 'Layout Test', ...extra], { env: { NETCUSTODY_HOME: home } });
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Demo;
}

const pdftotext = (pdf: string, ...args: string[]): string => execFileSync('pdftotext', [...args, pdf, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });
const pages = (pdf: string): string[] => pdftotext(pdf, '-layout').split('\f').filter((p, i, all) => i < all.length - 1 || p.trim() !== '');
const section = (text: string, from: RegExp, to: RegExp): string => {
  const start = text.search(from);
  const rest = text.slice(start);
  const end = rest.slice(1).search(to);
  return end < 0 ? rest : rest.slice(0, end + 1);
};

/**
 * Pages with little on them: header and footer are two lines, so fewer than 12 lines is nearly
 * blank — except the last page, which ends where the report ends but must hold more than the
 * end-of-report line.
 */
function nearlyBlank(all: string[]): string[] {
  return all.flatMap((p, i) => {
    const lines = p.split('\n').filter((l) => l.trim() !== '');
    const content = lines.filter((l) => !/netcustody forensic report|Page \d+ of \d+|End of report/.test(l)).length;
    const min = i === all.length - 1 ? 3 : 10;
    return content < min ? [`page ${i + 1} of ${all.length}: ${content} content lines`] : [];
  });
}

/** A token is split when some prefix of it ends a line and the rest starts the next one. */
function splitTokens(text: string, tokens: string[]): string[] {
  const lines = text.split('\n').map((l) => l.trim());
  const bad: string[] = [];
  for (const t of tokens) {
    for (let i = 0; i + 1 < lines.length; i++) {
      for (let k = 1; k < t.length; k++) {
        if (lines[i]!.endsWith(t.slice(0, k)) && lines[i + 1]!.startsWith(t.slice(k)) && !lines[i]!.endsWith(t)) bad.push(`${t} split as "${t.slice(0, k)}" / "${t.slice(k)}"`);
      }
    }
  }
  return bad;
}

describe('report layout and fidelity on the Windows scenario', () => {
  let win: Demo;
  let text: string;
  beforeAll(async () => {
    win = await demo('windows-srss-backdoor');
    text = pdftotext(win.report);
  }, 120_000);

  it('never splits a process name, finding id or address between lines', () => {
    const tokens = ['services.exe', 'svchost.exe', 'spoolsv.exe', 'lsass.exe', 'srss.exe', 'F-0001', 'F-0002', 'F-0003', 'F-0004', 'F-0005', 'raw/01-import-netstat-anob.txt', '[fe80::5d2c:8a1e:4f7b:92c3%7]:1900'];
    for (const t of tokens) expect(text, t).toContain(t);
    expect(splitTokens(text, tokens)).toEqual([]);
    // Hashes print whole (no break opportunities inside).
    const sha = JSON.parse(readFileSync(join(win.evidenceDir, 'acquisition.json'), 'utf8')).imports[0].artifact.sha256 as string;
    expect(text).toContain(sha);
  });

  it('keeps the IPv6 zone id in the report and parsed/connections.json', () => {
    const json = readConnections(win.evidenceDir);
    expect(json.some((c) => c.localAddress === 'fe80::5d2c:8a1e:4f7b:92c3%7' && c.localPort === 1900)).toBe(true);
    expect(readFileSync(join(win.evidenceDir, 'parsed/connections.json'), 'utf8')).toContain('fe80::5d2c:8a1e:4f7b:92c3%7');
    expect(pdftotext(win.report, '-layout')).toContain('[fe80::5d2c:8a1e:4f7b:92c3%7]:1900');
  });

  it('prints custody details as key: value, never raw JSON', () => {
    const custody = section(text, /^7 Chain of custody/m, /^8 Verification/m);
    expect(custody).not.toMatch(/\{"/);
    expect(custody).toMatch(/^originalPath: \/.*netstat-anob\.txt$/m);
    expect(custody).toMatch(/^sha256:\s*\n[0-9a-f]{64}$/m);
  });

  it('prints verification commands that run as copied from the PDF, each with what to expect', () => {
    const verification = section(pdftotext(win.report, '-layout'), /^\s*8 Verification/m, /Signer of this PDF/);
    // Copy as a reader would: lines ending in " \" continue on the next one.
    const copied = verification.replace(/ \\\n\s*/g, ' ').split('\n').map((l) => l.trim());
    const zip = basename(win.bundle);
    for (const cmd of verificationCommands(zip)) expect(copied, cmd).toContain(cmd);
    expect(copied).toContain('openssl x509 -in examiner-cert.pem -noout -subject -fingerprint -sha256');
    expect(copied).toContain(`netcustody verify ${zip}`);
    const expects = copied.filter((l) => l.startsWith('Expected:'));
    expect(expects.length).toBe(verificationCommands(zip).length + 2);
    for (const e of expects) expect(e.replace('Expected:', '').trim(), e).not.toBe('');
    // Run them, exactly as copied, next to a copy of the bundle.
    const dir = tempDir('nc-verify-');
    copyFileSync(win.bundle, join(dir, zip));
    copyFileSync(`${win.bundle}.sha256`, join(dir, `${zip}.sha256`));
    const script = [...verificationCommands(zip), 'openssl x509 -in examiner-cert.pem -noout -subject -fingerprint -sha256'].map((c) => copied.find((l) => l === c)!).join('\n');
    const out = execFileSync('sh', ['-e', '-c', script], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toContain('OK');
  });

  it('leaves no nearly blank page', () => {
    const all = pages(win.report);
    expect(nearlyBlank(all)).toEqual([]);
  });
});

describe('report layout on the route-manipulation scenario', () => {
  it('counts unique routes and says how many listings show each; no nearly blank page', async () => {
    const d = await demo('linux-route-manipulation');
    const text = pdftotext(d.report, '-layout');
    const m = /Routes\s+(\d+) unique, from (\d+) lines in (\d+) listings/.exec(text);
    expect(m, 'summary routes row').not.toBeNull();
    const [unique, lines, listings] = [Number(m![1]), Number(m![2]), Number(m![3])];
    const parsed = JSON.parse(readFileSync(join(d.evidenceDir, 'parsed/routes.json'), 'utf8')) as unknown[];
    expect(lines).toBe(parsed.length);
    expect(listings).toBe(4);
    expect(unique).toBeLessThan(lines);
    // The preferred default route is one row, printed by netstat -rn and ip route (metric from ip route).
    const first = /^default via (\S+) dev (\S+) metric (\d+)/.exec(readFileSync(join(SCENARIOS, 'linux-route-manipulation/ip-route-all.txt'), 'utf8'))!;
    const esc = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(text).toMatch(new RegExp(`0\\.0\\.0\\.0/0\\s+${esc(first[1]!)}\\s+${esc(first[2]!)}\\s+${first[3]}\\s+UG\\s+2\\s+raw/\\d+-import-netstat-rn\\.txt:3,`));
    expect(nearlyBlank(pages(d.report))).toEqual([]);
  }, 120_000);
});

describe('exercise report', () => {
  it('does not claim "0 findings" or "no finding was raised" when the findings are withheld', async () => {
    const d = await demo('windows-srss-backdoor', '--exercise');
    const summary = section(pdftotext(d.report), /^1 Executive summary/m, /^What the capture contains/m);
    expect(summary).toMatch(/withheld .*classroom exercise/);
    expect(summary).not.toMatch(/No finding was raised/i);
    expect(summary).not.toMatch(/\b0 findings\b/);
  }, 120_000);
});

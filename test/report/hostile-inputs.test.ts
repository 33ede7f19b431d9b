// Hostile inputs that reach the signed report: a lab template that links outside its folder, host
// names full of control/bidi characters through the real pipeline (import → analyze → report, read
// back with pdftotext), and the browser profile Chromium would otherwise leave in the examiner's home.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTemplates } from '../../src/report/templates.js';
import { DEFAULT_TEMPLATE_DIR } from '../../src/report/templates.js';
import { CLI, runCli, tempDir } from '../helpers/cli.js';

const ESC_NAME = 'sv\u001b[31mc\u202Ehost';
const LITERAL_NAME = 'lit\\u202Eeral'; // the host printed a backslash, a "u" and four hex digits

/** A Linux `netstat -anp` capture whose program names carry ANSI, RTLO and a fake marker. */
function hostileCapture(dir: string): string {
  const file = join(dir, 'netstat.txt');
  writeFileSync(
    file,
    [
      'Active Internet connections (servers and established)',
      'Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name    ',
      `tcp        0      0 0.0.0.0:1337            0.0.0.0:*               LISTEN      4242/${ESC_NAME} `,
      `tcp        0      0 0.0.0.0:4444            0.0.0.0:*               LISTEN      4243/${LITERAL_NAME} `,
      'tcp        0      0 10.0.0.5:40000          198.51.100.7:443        ESTABLISHED 4244/curl ',
      '',
    ].join('\n'),
  );
  return file;
}

function pdfText(pdf: string): string {
  return execFileSync('pdftotext', ['-raw', pdf, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

function templateCopy(): string {
  const dir = join(tempDir('nc-tpl-'), 'lab');
  cpSync(DEFAULT_TEMPLATE_DIR, dir, { recursive: true });
  return dir;
}

describe('template folders are read without following links', () => {
  it('a partial that is a symlink to /etc/passwd is refused, naming the link', () => {
    const dir = templateCopy();
    symlinkSync('/etc/passwd', join(dir, 'partials', 'passwd.hbs'));
    expect(() => loadTemplates(dir)).toThrow(`${join(dir, 'partials', 'passwd.hbs')}: is a symbolic link; refused`);
  });

  it('a linked report.css, report.hbs or partials folder is refused too', () => {
    const css = templateCopy();
    rmSync(join(css, 'report.css'));
    symlinkSync('/etc/passwd', join(css, 'report.css'));
    expect(() => loadTemplates(css)).toThrow(/report\.css: is a symbolic link; refused/);
    const main = templateCopy();
    rmSync(join(main, 'report.hbs'));
    symlinkSync(join(DEFAULT_TEMPLATE_DIR, 'report.hbs'), join(main, 'report.hbs'));
    expect(() => loadTemplates(main)).toThrow(/report\.hbs: is a symbolic link; refused/);
    const partials = templateCopy();
    rmSync(join(partials, 'partials'), { recursive: true });
    symlinkSync(join(DEFAULT_TEMPLATE_DIR, 'partials'), join(partials, 'partials'));
    expect(() => loadTemplates(partials)).toThrow(/partials: is a symbolic link; refused/);
  });

  it('a FIFO or a folder named like a partial is refused without hanging', () => {
    const fifo = templateCopy();
    execFileSync('mkfifo', [join(fifo, 'partials', 'pipe.hbs')]);
    expect(() => loadTemplates(fifo)).toThrow(/pipe\.hbs: not a regular file; refused/);
    const folder = templateCopy();
    mkdirSync(join(folder, 'partials', 'sub.hbs'));
    expect(() => loadTemplates(folder)).toThrow(/sub\.hbs: not a regular file; refused/);
  });

  it('the plain copy of the default templates still loads', () => {
    expect(() => loadTemplates(templateCopy())).not.toThrow();
  });

  it('`report --template` with a linked partial fails with one line and writes no PDF', async () => {
    const work = tempDir();
    const imp = await runCli(['import', hostileCapture(work), '--os', 'linux', '--host', 'h1', '--out', join(work, 'out'), '--json']);
    const dir = JSON.parse(imp.stdout).evidenceDir as string;
    expect((await runCli(['analyze', dir, '--quiet'])).exitCode).toBe(0);
    const tpl = templateCopy();
    rmSync(join(tpl, 'partials', 'cover.hbs'));
    symlinkSync('/etc/passwd', join(tpl, 'partials', 'cover.hbs'));
    const r = await runCli(['report', dir, '--template', tpl], { env: { NETCUSTODY_HOME: join(work, 'home') } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`netcustody: error: ${join(tpl, 'partials', 'cover.hbs')}: is a symbolic link; refused`);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(join(dir, 'report', 'report.pdf'))).toBe(false);
  });
});

describe('a hostile capture through analyze and report (pdftotext on the signed PDF)', () => {
  let work: string;
  let dir: string;
  let home: string;
  let tmp: string;
  beforeAll(async () => {
    work = tempDir();
    home = join(work, 'home');
    tmp = join(work, 'tmp');
    mkdirSync(home);
    mkdirSync(tmp);
    const imp = await runCli(['import', hostileCapture(work), '--os', 'linux', '--host', 'h1', '--out', join(work, 'out'), '--json']);
    dir = JSON.parse(imp.stdout).evidenceDir;
    expect((await runCli(['analyze', dir, '--quiet'])).exitCode).toBe(0);
    const r = await runCli(['report', dir, '--quiet'], { env: { HOME: home, TMPDIR: tmp, NETCUSTODY_HOME: join(work, 'nchome') } });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
  }, 120_000);

  it('marks each control and bidi character once: no \\u005C before a marker the tool made', () => {
    const text = pdfText(join(dir, 'report', 'report.pdf'));
    // The finding heading (PID · process), the FACTS sentence and the quoted line: one format.
    expect(text).toContain('process sv\\u001B[31mc\\u202Ehost');
    expect(text).toContain('"sv\\u001B[31mc\\u202Ehost"');
    expect(text).toContain('4242/sv\\u001B[31mc\\u202Ehost');
    expect(text).not.toContain('\\u005Cu001B');
    expect(text).not.toContain('\\u005Cu{');
    expect(text).not.toMatch(/[\u001b\u202e]/);
  });

  it('a backslash the host printed is marked as \\u005C everywhere, the finding sentence included', () => {
    const text = pdfText(join(dir, 'report', 'report.pdf'));
    expect(text).toContain('process lit\\u005Cu202Eeral');
    expect(text).toContain('"lit\\u005Cu202Eeral"');
    expect(text).toContain('4243/lit\\u005Cu202Eeral');
    expect(text).not.toMatch(/lit\\u202Eeral/);
    expect(text).not.toContain('\\u005Cu005C');
  });

  it('findings.json holds the same markers for the sentence and the process field', () => {
    const findings = JSON.parse(readFileSync(join(dir, 'findings.json'), 'utf8')) as { process: string | null; detail: string }[];
    const esc = findings.find((f) => f.process?.startsWith('sv'));
    expect(esc?.process).toBe('sv\\u001B[31mc\\u202Ehost');
    expect(esc?.detail).toContain('"sv\\u001B[31mc\\u202Ehost"');
    expect(findings.find((f) => f.process?.startsWith('lit'))?.process).toBe('lit\\u005Cu202Eeral');
  });

  it('Chromium wrote nothing into the examiner\'s home and left no profile in the temp folder', () => {
    // Before: ~/.config/chromium/Crash Reports and ~/.cache/dconf appeared on every report.
    expect(readdirSync(home)).toEqual([]);
    expect(readdirSync(tmp)).toEqual([]);
  });
});

describe('the temporary browser profile', () => {
  it('is removed when the report is ended by SIGTERM while Chromium runs', async () => {
    const work = tempDir();
    const tmp = join(work, 'tmp');
    mkdirSync(tmp);
    const imp = await runCli(['import', hostileCapture(work), '--os', 'linux', '--out', join(work, 'out'), '--json']);
    const dir = JSON.parse(imp.stdout).evidenceDir as string;
    expect((await runCli(['analyze', dir, '--quiet'])).exitCode).toBe(0);
    const child = spawn(process.execPath, [CLI, 'report', dir, '--quiet'], { env: { ...process.env, TMPDIR: tmp, HOME: join(work, 'home'), NETCUSTODY_HOME: join(work, 'nch') }, stdio: 'ignore' });
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    // Wait (polling, no fixed delay) until the browser's profile exists, then interrupt.
    let seen = false;
    for (let i = 0; i < 600 && !seen; i++) {
      seen = readdirSync(tmp).some((n) => n.startsWith('netcustody-chrome-') && existsSync(join(tmp, n, 'profile')));
      if (!seen) await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen).toBe(true);
    child.kill('SIGTERM');
    const end = await ended;
    expect(end.signal).toBe('SIGTERM');
    expect(readdirSync(tmp).filter((n) => n.startsWith('netcustody-chrome-'))).toEqual([]);
    // The signal may come while puppeteer.launch() is still under way: no browser may outlive us
    // (processes just sent SIGKILL may take a moment to go: a survivor is one still there after 10 s).
    const survivors = (): string[] =>
      readdirSync('/proc')
        .filter((p) => /^\d+$/.test(p))
        .flatMap((p) => {
          try {
            const cmd = readFileSync(`/proc/${p}/cmdline`, 'latin1');
            return cmd.includes(tmp) ? [cmd.replace(/\0/g, ' ').slice(0, 200)] : [];
          } catch {
            return [];
          }
        });
    for (let i = 0; i < 100 && survivors().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(survivors()).toEqual([]);
  }, 120_000);
});

describe('an allow-list entry "*" that suppresses everything', () => {
  it('the terminal and the report say how many findings were suppressed, never "No findings."', async () => {
    const work = tempDir();
    const imp = await runCli(['import', hostileCapture(work), '--os', 'linux', '--out', join(work, 'out'), '--json']);
    const dir = JSON.parse(imp.stdout).evidenceDir as string;
    const allow = join(work, 'allow.json');
    writeFileSync(allow, '{ "entries": [ { "rule": "*", "reason": "lab machine" } ] }\n');
    const a = await runCli(['analyze', dir, '--allow', allow]);
    expect(a.exitCode).toBe(0);
    const findings = JSON.parse(readFileSync(join(dir, 'findings.json'), 'utf8')) as { suppressed?: unknown }[];
    const n = findings.length;
    expect(n).toBeGreaterThan(1);
    expect(findings.every((f) => f.suppressed)).toBe(true);
    expect(a.stderr).not.toContain('No findings.');
    expect(a.stderr).toContain(`No finding shown: ${n} findings suppressed by the allow-list`);
    const r = await runCli(['report', dir, '--quiet'], { env: { NETCUSTODY_HOME: join(work, 'nch') } });
    expect(r.exitCode).toBe(0);
    const text = pdfText(join(dir, 'report', 'report.pdf')).replace(/\s+/g, ' ');
    expect(text).not.toContain('No finding was raised');
    expect(text).toContain(`No finding is shown: the analysis rules raised ${n} findings, and the examiner's allow-list suppressed all of them`);
  }, 120_000);
});

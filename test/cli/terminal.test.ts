import { execFileSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findingsTable } from '../../src/cli/findings-table.js';
import { terminalSafe } from '../../src/cli/common.js';
import { jsonSafe } from '../../src/markers.js';
import type { Connection, Finding } from '../../src/model.js';
import { runCli, SAMPLES, tempDir } from '../helpers/cli.js';

const hostile = '\u001b[2J\u001b[31mevil\u0007\u202Eexe.sh';

function finding(severity: Finding['severity'], n: number): Finding {
  return {
    id: `F-${n}`, rule: 'NET-BACKDOOR-PORT', severity, title: `title ${n}`, detail: '', rationale: '', falsePositives: '', subject: 'connection',
    refs: [{ artifact: 'raw/01.txt', line: n }], attack: [], references: [], pid: 1000 + n, process: hostile,
  };
}

describe('terminal output of host strings', () => {
  it('shows control, ANSI and bidi characters as markers, never raw', () => {
    expect(terminalSafe(hostile)).toBe('\\u001B[2J\\u001B[31mevil\\u0007\\u202Eexe.sh');
    const conn = { protocol: 'tcp', localAddress: '0.0.0.0', localPort: 1337, remoteAddress: '0.0.0.0', remotePort: null, state: 'LISTEN', source: { artifact: 'raw/01.txt', line: 1 } } as Connection;
    const table = findingsTable([finding('low', 2), finding('critical', 1)], { limit: 10, connections: [conn] });
    expect(table).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u202e]/);
    const lines = table.trim().split('\n');
    expect(lines[1]).toMatch(/^CRITICAL +NET-BACKDOOR-PORT +\\u001B\[2J.* +1001 +tcp 0\.0\.0\.0:1337 \(LISTEN\)/);
    expect(lines[2]).toMatch(/^LOW /);
  });

  it('caps the table and counts the rest', () => {
    const many = Array.from({ length: 14 }, (_, i) => finding('medium', i + 1));
    const table = findingsTable(many, { limit: 10 });
    expect(table.trim().split('\n')).toHaveLength(12);
    expect(table).toContain('… and 4 more');
  });

  it('a missing browser is one line with an install hint', async () => {
    const out = tempDir();
    const imp = await runCli(['import', join(SAMPLES, 'windows/windows-10/netstat-aonb.out'), '--out', out, '--json']);
    const dir = JSON.parse(imp.stdout).evidenceDir;
    expect((await runCli(['analyze', dir, '--quiet'])).exitCode).toBe(0);
    const r = await runCli(['report', dir], { env: { PUPPETEER_EXECUTABLE_PATH: '/nonexistent/chrome', NETCUSTODY_HOME: tempDir() } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^netcustody: error: .*no browser at that path\nhint: install Chromium \(Debian\/Ubuntu: apt-get install chromium\)/);
  });

  it('without root, collect warns what will be missing', async () => {
    const out = tempDir();
    chmodSync(out, 0o777);
    const r = await runCli(['collect', '--out', out, '--json'], { uid: 65534, gid: 65534, cwd: '/tmp', env: { HOME: '/nonexistent' } });
    if (process.getuid?.() !== 0) return; // only root can drop to nobody here
    expect(r.stderr).toMatch(/warning: collection is not privileged \(user .*\): netstat -p and ss -p show owners only/);
    expect(r.exitCode).toBe(0);
  });
});

describe('paths from the command line reach the terminal safely', () => {
  // --out is typed by the examiner but ends up in every path printed: a newline, a carriage return or
  // a bidi override in it must not forge a line ("PASS") or reorder the terminal.
  const evil = 'o\nRESULT: PASS\r\u202Ex';

  it('a newline, CR and RTLO from --out are markers in every stderr line (import, demo summary)', async () => {
    const out = join(tempDir(), evil);
    const imp = await runCli(['import', join(SAMPLES, 'windows/windows-10/netstat-aonb.out'), '--out', out]);
    expect(imp.exitCode).toBe(0);
    expect(imp.stderr).toContain('evidence folder: ');
    expect(imp.stderr).toContain('o\\u000ARESULT: PASS\\u000D\\u202Ex');
    expect(imp.stderr).not.toMatch(/[\r\u202e]/);
    expect(imp.stderr.split('\n').some((l) => l.startsWith('RESULT'))).toBe(false);
    const demo = await runCli(['demo', '--scenario', 'windows-srss-backdoor', '--out', out], { env: { NETCUSTODY_HOME: tempDir() } });
    expect(demo.exitCode).toBe(0);
    for (const label of ['Evidence folder:', 'Report:', 'Bundle:', 'Verify with:']) {
      const line = demo.stderr.split('\n').find((l) => l.startsWith(label));
      expect(line, label).toContain('o\\u000ARESULT: PASS\\u000D\\u202Ex');
    }
    expect(demo.stderr).not.toMatch(/[\r\u202e]/);
    expect(demo.stderr.split('\n').some((l) => l.startsWith('RESULT'))).toBe(false);
  }, 120_000);

  it('--json escapes bidi and control characters as \\uXXXX; JSON.parse and jq decode the same path', async () => {
    const out = join(tempDir(), evil);
    const r = await runCli(['import', join(SAMPLES, 'windows/windows-10/netstat-aonb.out'), '--out', out, '--json']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).not.toMatch(/[\r\u202e]/);
    expect(r.stdout).toContain('\\u202e');
    const dir = JSON.parse(r.stdout).evidenceDir as string;
    expect(dir.startsWith(`${out}/`)).toBe(true);
    const jq = execFileSync('jq', ['-j', '.evidenceDir'], { input: r.stdout, encoding: 'utf8' });
    expect(jq).toBe(dir);
  });

  it('jsonSafe escapes what JSON.stringify leaves raw, and nothing else', () => {
    const value = { a: 'x\u202Ey\u200B\u2028\u0085\u{E0041}', b: 'plain é ü', c: ['\u001b[31m', 1, null] };
    const text = jsonSafe(value, 2);
    expect(text).not.toMatch(/[\u202e\u200b\u2028\u0085\u001b]|\u{E0041}/u);
    expect(text).toContain('plain é ü');
    expect(JSON.parse(text)).toEqual(value);
  });
});

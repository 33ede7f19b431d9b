// Issue 18 end to end: `netcustody run` on a host (a namespace) with a backdoor that deleted its own
// file, and a program whose name imitates sshd. The bundle holds the backdoor's binary, its lead
// cites the hash; a known-bad set raises a critical lead on that PID, a known-good set lowers the
// name-based lead; verify passes with the binary inside; hash sets with errors are refused.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lead } from '../../src/analyze/leads.js';
import type { Finding } from '../../src/model.js';
import { createLab, netnsAvailable } from '../lab/netns.mjs';
import { perlCopy, startListener } from '../lab/programs.mjs';
import { runCli, tempDir } from '../helpers/cli.js';

const canNetns = netnsAvailable();

describe.runIf(canNetns)('run on a host with a deleted-binary backdoor and hash sets', () => {
  let lab: ReturnType<typeof createLab>;
  let work: string;
  let plainDir: string;
  let home: string;
  let result: { evidenceDir: string; bundle: string };
  let leads: Lead[];
  let findings: Finding[];
  const pid: Record<string, number> = {};
  const sha: Record<string, string> = {};
  const env = () => ({ NETCUSTODY_HOME: home });
  const leadOf = (p: number) => leads.find((l) => l.pid === p)!;

  beforeAll(async () => {
    lab = createLab();
    home = tempDir('ncbin-home-');
    work = mkdtempSync(join(tmpdir(), 'ncbin-run-'));
    chmodSync(work, 0o755);
    const backdoor = join(work, 'dbus-helper');
    sha.backdoor = perlCopy(backdoor);
    pid.backdoor = (await startListener(lab.victim, backdoor, '0.0.0.0', 4444)).pid;
    unlinkSync(backdoor);
    // Not temporary, not hidden, not deleted: only its name gives it away.
    plainDir = mkdtempSync('/var/lib/ncbin-run-');
    chmodSync(plainDir, 0o755);
    const lookalike = join(plainDir, 'sshdd');
    sha.lookalike = perlCopy(lookalike, 'another build');
    pid.lookalike = (await startListener(lab.victim, lookalike, '127.0.0.1', 2222)).pid;

    writeFileSync(join(work, 'ioc-sha256.txt'), `# incident 2026-041 indicators\n${sha.backdoor.toUpperCase()}  backdoor dropped by the phishing mail\n${'ab'.repeat(32)} other\n`);
    writeFileSync(join(work, 'vendor.csv'), `"SHA-1","MD5","SHA-256","FileName","FileSize"\n"${'1'.repeat(40)}","${'2'.repeat(32)}","${sha.lookalike}","sshdd","3804432"\n`);
    const r = await runCli(
      ['run', '--out', tempDir(), '--case', 'BIN-RUN', '--examiner', 'Lab Examiner', '--known-bad', join(work, 'ioc-sha256.txt'), '--hashset', `${join(work, 'vendor.csv')}:known-good`, '--json'],
      { netns: lab.victim, env: env() },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    result = JSON.parse(r.stdout);
    leads = JSON.parse(readFileSync(join(result.evidenceDir, 'leads.json'), 'utf8'));
    findings = JSON.parse(readFileSync(join(result.evidenceDir, 'findings.json'), 'utf8'));
  });
  afterAll(() => {
    lab?.cleanup();
    for (const d of [work, plainDir]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it('seals the deleted backdoor binary in the bundle, byte for byte, and verify passes with it inside', async () => {
    const lead = leadOf(pid.backdoor);
    const member = lead.executable!.copy!.path;
    expect(member).toBe(`raw/binaries/${pid.backdoor}-dbus-helper.bin`);
    const fromZip = execFileSync('python3', ['-c', 'import sys,zipfile,hashlib; print(hashlib.sha256(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2])).hexdigest())', result.bundle, member]).toString().trim();
    expect(fromZip).toBe(sha.backdoor);
    const sums = execFileSync('unzip', ['-p', result.bundle, 'SHA256SUMS']).toString();
    expect(sums).toContain(`${sha.backdoor}  ${member}`);
    const v = await runCli(['verify', result.bundle, '--json'], { env: env() });
    expect(v.exitCode, v.stdout + v.stderr).toBe(0);
  });

  it('raises a critical lead on the backdoor PID from the known-bad set, citing the hash', () => {
    const lead = leadOf(pid.backdoor);
    expect(lead.severity).toBe('critical');
    expect(lead.rules).toContain('PROC-HASH-KNOWN-BAD');
    expect(lead.executable).toMatchObject({ sha256: sha.backdoor, deleted: true, size: expect.any(Number) });
    const f = findings.find((x) => x.rule === 'PROC-HASH-KNOWN-BAD')!;
    expect(f.pid).toBe(pid.backdoor);
    expect(f.detail).toContain(`executable SHA-256 ${sha.backdoor}`);
    expect(f.rationale).toMatch(/known-bad hash set ioc-sha256\.txt .* at line 2 \(entry "backdoor dropped by the phishing mail"\)/);
    expect(findings.filter((x) => x.rule === 'PROC-HASH-KNOWN-BAD')).toHaveLength(1);
  });

  it('lowers the name-based lead of the look-alike to info because its hash is in the known-good set', () => {
    const lead = leadOf(pid.lookalike);
    expect(lead.rules).toContain('PROC-NAME-MASQ');
    expect(lead.severity).toBe('info');
    expect(lead.severityReason).toMatch(/lowered to info: the executable's SHA-256 is in a known-good hash set/);
    const masq = findings.find((x) => x.rule === 'PROC-NAME-MASQ' && x.pid === pid.lookalike)!;
    expect(masq.originalSeverity).toBe('critical');
    expect(masq.knownGood).toMatch(/vendor\.csv \(line 2 as "sshdd"\).*the hash, not the name, decides/);
    // Its file is ordinary (not deleted, not in a temp folder) but its name imitates sshd: copied.
    expect(lead.executable!.copy!.reasons.join(' ')).toMatch(/imitates the system process "sshd"/);
  });

  it('prints the executable of each process lead and the hash sets used in the report', () => {
    const html = readFileSync(join(result.evidenceDir, 'report/report.html'), 'utf8').replace(/<wbr>/g, '');
    const setSha = execFileSync('sha256sum', [join(work, 'ioc-sha256.txt')]).toString().split(' ')[0];
    expect(html).toMatch(new RegExp(`ioc-sha256\\.txt</code></td><td>known-bad</td><td class="r">2</td><td>(<[^>]+>)*${setSha}`));
    expect(html).toContain('vendor.csv');
    expect(html).toContain(`raw/binaries/${pid.backdoor}-dbus-helper.bin`);
    expect(html).toContain(sha.backdoor);
    expect(html).toMatch(/Look this SHA-256 up in your organisation&#x27;s threat-intelligence tools/);
    const pdf = execFileSync('pdftotext', [join(result.evidenceDir, 'report/report.pdf'), '-']).toString();
    expect(pdf).toContain('Copies of executables');
    expect(pdf).toContain(`${pid.backdoor}-dbus-helper.bin`);
  });

  it('without the sets, the look-alike is critical again and no known-bad finding is raised (must-not case)', async () => {
    const r = await runCli(['analyze', result.evidenceDir, '--json'], { env: env() });
    expect(r.exitCode, r.stderr).toBe(0);
    const again: Lead[] = JSON.parse(readFileSync(join(result.evidenceDir, 'leads.json'), 'utf8'));
    expect(again.find((l) => l.pid === pid.lookalike)!.severity).toBe('critical');
    expect(again.some((l) => l.rules.includes('PROC-HASH-KNOWN-BAD'))).toBe(false);
  });

  it('refuses a hash set with a bad line, without a kind, or a CSV without a SHA-256 column', async () => {
    const bad = join(work, 'bad.txt');
    writeFileSync(bad, `${'a'.repeat(64)} ok\n\nnot-a-hash evil\n`);
    const r1 = await runCli(['analyze', result.evidenceDir, '--known-bad', bad], { env: env() });
    expect(r1.exitCode).toBe(1);
    expect(r1.stderr).toContain(`${bad} line 3: expected a SHA-256 (64 hex digits)`);
    expect(r1.stderr).not.toMatch(/\n\s+at /);
    const r2 = await runCli(['analyze', result.evidenceDir, '--hashset', bad], { env: env() });
    expect(r2.exitCode).toBe(2);
    expect(r2.stderr).toMatch(/FILE:known-bad or FILE:known-good/);
    const csv = join(work, 'nsrl-legacy.csv');
    writeFileSync(csv, '"SHA-1","MD5","CRC32","FileName"\n"AA","BB","CC","x"\n');
    const r3 = await runCli(['analyze', result.evidenceDir, '--known-good', csv], { env: env() });
    expect(r3.exitCode).toBe(1);
    expect(r3.stderr).toContain(`${csv} line 1: CSV header has no SHA-256 column`);
    // run refuses before touching the host.
    const r4 = await runCli(['run', '--out', tempDir(), '--examiner', 'Lab Examiner', '--known-bad', join(work, 'missing.txt')], { env: env() });
    expect(r4.exitCode).toBe(1);
    expect(r4.stderr).toMatch(/missing\.txt: cannot read hash set: ENOENT/);
  });

  it('verify names a preserved copy changed after sealing (last: it alters the folder)', async () => {
    const member = leadOf(pid.backdoor).executable!.copy!.path;
    const path = join(result.evidenceDir, member);
    chmodSync(path, 0o600);
    const bytes = readFileSync(path);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(path, bytes);
    const v = await runCli(['verify', result.evidenceDir], { env: env() });
    expect(v.exitCode).toBe(3);
    expect(v.stdout + v.stderr).toContain(member);
  });
});

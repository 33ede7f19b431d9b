// Process identity rules and the masquerade scorer behind PROC-NAME-MASQ.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFUSABLES_SOURCE } from '../../src/analyze/confusables-table.js';
import { listRules, parseAllowList } from '../../src/analyze/index.js';
import { masqueradeMatch, osaDistance, skeleton } from '../../src/analyze/masquerade.js';
import { established, findingsOf, listen, proc, run, win, type Host } from './helpers.js';
import { REPO } from '../helpers/cli.js';

interface Case {
  rule: string;
  fires: Host;
  quiet: Host;
  severity: string;
}

const cases: Case[] = [
  {
    rule: 'PROC-NAME-MASQ',
    fires: { os: 'windows', connections: [win({ local: '0.0.0.0:1337', state: 'LISTEN', pid: 1256, process: 'srss.exe' })] },
    quiet: { os: 'windows', connections: [win({ local: '0.0.0.0:135', state: 'LISTEN', pid: 1712, process: 'svchost.exe' })] },
    severity: 'critical',
  },
  {
    rule: 'PROC-KTHREAD-FAKE',
    fires: { connections: [established('10.0.0.5:40001', '203.0.113.66:443', 30, 'kworker/0:2')] },
    quiet: { processes: [proc(57, 'kworker/0:2', { exe: null, ppid: 2, cmdline: [] })] },
    severity: 'critical',
  },
  {
    rule: 'PROC-CORE-NETWORKS',
    fires: { os: 'windows', connections: [win({ local: '10.0.0.5:50000', remote: '203.0.113.66:443', state: 'ESTABLISHED', pid: 600, process: 'csrss.exe' })] },
    quiet: { os: 'windows', connections: [win({ local: '0.0.0.0:49664', state: 'LISTEN', pid: 700, process: 'lsass.exe' })] },
    severity: 'high',
  },
  {
    rule: 'PROC-PATH-MASQ',
    fires: { os: 'windows', connections: [win({ local: '0.0.0.0:49670', state: 'LISTEN', pid: 800, process: 'svchost.exe' })], processes: [proc(800, 'svchost.exe', { exe: 'C:\\Users\\Public\\svchost.exe' })] },
    quiet: { os: 'windows', connections: [win({ local: '0.0.0.0:49670', state: 'LISTEN', pid: 800, process: 'svchost.exe' })], processes: [proc(800, 'svchost.exe', { exe: 'D:\\Windows\\System32\\svchost.exe' })] },
    severity: 'critical',
  },
  {
    rule: 'NET-SUSP-PATH-NIX',
    fires: { connections: [established('10.0.0.5:40001', '203.0.113.66:443', 30, 'updater')], processes: [proc(30, 'updater', { exe: '/var/tmp/.cache/updater' })] },
    quiet: { connections: [established('10.0.0.5:40001', '203.0.113.66:443', 30, 'node')], processes: [proc(30, 'node', { exe: '/home/dev/.vscode-server/bin/abc/node' })] },
    severity: 'high',
  },
  {
    rule: 'NET-SUSP-PATH-WIN',
    fires: { os: 'windows', connections: [win({ local: '10.0.0.5:50000', remote: '203.0.113.66:443', state: 'ESTABLISHED', pid: 900, process: 'invoice.exe' })], processes: [proc(900, 'invoice.exe', { exe: 'C:\\Users\\bob\\AppData\\Local\\Temp\\invoice.exe' })] },
    quiet: { os: 'windows', connections: [win({ local: '10.0.0.5:50000', remote: '203.0.113.66:443', state: 'ESTABLISHED', pid: 900, process: 'chrome.exe' })], processes: [proc(900, 'chrome.exe', { exe: 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe' })] },
    severity: 'high',
  },
  {
    rule: 'NET-DELETED-EXE',
    fires: { connections: [established('10.0.0.5:40001', '203.0.113.66:443', 30, 'x')], processes: [proc(30, 'x', { exe: '/memfd:x (deleted)', exeDeleted: true })] },
    quiet: { connections: [established('10.0.0.5:40001', '203.0.113.66:443', 30, 'curl')], processes: [proc(30, 'curl')] },
    severity: 'critical',
  },
];

describe.each(cases)('$rule', ({ rule, fires, quiet, severity }) => {
  it('fires on the suspicious process', () => {
    const found = findingsOf(fires, rule);
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]!.originalSeverity ?? found[0]!.severity).toBe(severity);
    expect(found[0]!.subject).toBe('process');
    expect(found[0]!.pid).not.toBeNull();
  });
  it('stays quiet on the real thing', () => {
    expect(findingsOf(quiet, rule)).toEqual([]);
  });
});

describe('PROC-KTHREAD-FAKE without sockets', () => {
  it('a kernel-thread name with a readable exe and parent 1 is still fake', () => {
    const found = findingsOf({ processes: [proc(4242, '[kworker/1:1]', { exe: '/usr/bin/python3', ppid: 1 })] }, 'PROC-KTHREAD-FAKE');
    expect(found).toHaveLength(1);
    expect(found[0]!.detail).toMatch(/parent is pid 1/);
  });
  it('catches look-alike spellings (kw0rker)', () => {
    expect(findingsOf({ connections: [established('10.0.0.5:1', '203.0.113.66:443', 31, 'kw0rker/0:1')] }, 'PROC-KTHREAD-FAKE')).toHaveLength(1);
  });
});

describe('PROC-PATH-MASQ on Linux', () => {
  it('sshd from a home directory is high', () => {
    const found = findingsOf({ connections: [listen('0.0.0.0:22', 50, 'sshd')], processes: [proc(50, 'sshd', { exe: '/home/bob/sshd' })] }, 'PROC-PATH-MASQ');
    expect(found[0]?.originalSeverity ?? found[0]?.severity).toBe('high');
  });
  it('sshd from /usr/sbin is fine', () => {
    expect(findingsOf({ connections: [listen('0.0.0.0:22', 50, 'sshd')], processes: [proc(50, 'sshd', { exe: '/usr/sbin/sshd' })] }, 'PROC-PATH-MASQ')).toEqual([]);
  });
});

describe('masquerade scoring', () => {
  const hits = ['svch0st.exe', 'scvhost.exe', 'srss.exe', 'csrsss.exe', 'lsas.exe', 'Isass.exe', 'lsass .exe', 'expl0rer.exe', 'winlogin.exe', 'svchosts.exe', 'svchost32.exe', 'svсhost.exe', 'svchost.exe.exe', 'lsass\u202Eexe.scr'];
  it.each(hits)('flags %s on Windows', (name) => {
    expect(masqueradeMatch(name, 'windows')).not.toBeNull();
  });
  const linuxHits = ['sshdd', 'shd', 'systemd-journa1d', 'kw0rker', 'cr0nd'];
  it.each(linuxHits)('flags %s on Linux', (name) => {
    expect(masqueradeMatch(name, 'linux')).not.toBeNull();
  });
  it.each(['rndnsresponder', 'launchd2'])('flags %s on macOS', (name) => {
    expect(masqueradeMatch(name, 'bsd')).not.toBeNull();
  });
  const real = {
    windows: ['svchost.exe', 'lsass.exe', 'csrss.exe', 'smss.exe', 'taskhostw.exe', 'dashost.exe', 'sihost.exe', 'System', 'dllhost.exe', 'conhost.exe', 'Spotify.exe', 'chrome.exe', 'vmms.exe', 'SearchApp.exe', 'spoolsv.exe'],
    linux: ['sshd', 'ssh', 'sh', 'sssd', 'crun', 'getty', 'systemd-journal', 'systemd-resolve', 'systemd-resolv', 'chronyd', 'snmpd', 'rsyslogd', 'dockerd', 'nginx', 'postgres', 'NetworkManager', 'dhclient', 'avahi-daemon', 'master', 'containerd', 'kubelet'],
    bsd: ['launchd', 'mDNSResponder', 'syslogd', 'configd', 'trustd', 'sshd', 'rapportd', 'sharingd'],
  } as const;
  for (const [os, names] of Object.entries(real)) {
    it.each(names as readonly string[])(`passes real ${os} name %s`, (name) => {
      expect(masqueradeMatch(name, os as 'windows' | 'linux' | 'bsd')).toBeNull();
    });
  }
  it('a Windows image name on Linux is scored against Windows names', () => {
    expect(masqueradeMatch('srss.exe', 'linux')?.core).toBe('csrss');
  });
  it('skeleton folds homoglyphs and ASCII look-alikes; OSA counts a swap as one edit', () => {
    expect(skeleton('ѕvсhоѕt')).toBe(skeleton('svchost'));
    expect(skeleton('rnds')).toBe(skeleton('mds'));
    expect(osaDistance('scvhost', 'svchost')).toBe(1);
    expect(osaDistance('abc', 'abc')).toBe(0);
  });
  it('sshd with a rewritten title ("sshd: bob [priv]") is the real sshd', () => {
    expect(findingsOf({ connections: [established('10.0.0.5:22', '10.0.0.9:50000', 51, 'sshd: bob [priv]')] }, 'PROC-NAME-MASQ')).toEqual([]);
  });
  it('the finding escapes invisible characters of a hostile name', () => {
    const found = findingsOf({ os: 'windows', connections: [win({ local: '0.0.0.0:8000', state: 'LISTEN', pid: 77, process: 'lsass\u202Eexe.scr' })] }, 'PROC-NAME-MASQ');
    expect(found[0]!.detail).toContain('\\u202E');
    expect(found[0]!.detail).not.toContain('\u202E');
    expect(found[0]!.process).toBe('lsass\\u202Eexe.scr');
  });
});

describe('masquerade: the raw name first, then Unicode confusables', () => {
  it('full-width ｓｖｃｈｏｓｔ.exe is a masquerade (NFKC made it "svchost.exe" before the exact check)', () => {
    const m = masqueradeMatch('ｓｖｃｈｏｓｔ.exe', 'windows');
    expect(m?.core).toBe('svchost');
    expect(m?.reason).toMatch(/compatibility characters that only normalise \(NFKC\)/);
    expect(masqueradeMatch('ｓｓｈｄ', 'linux')?.core).toBe('sshd');
    expect(masqueradeMatch('svc\u200Bhost.exe', 'windows')?.core).toBe('svchost');
    // Must not fire: the exact names, in the case the OS writes them.
    for (const [name, os] of [['svchost.exe', 'windows'], ['SVCHOST.EXE', 'windows'], ['sshd', 'linux'], ['NetworkManager', 'linux'], ['mDNSResponder', 'bsd']] as const) {
      expect(masqueradeMatch(name, os), name).toBeNull();
    }
    expect(masqueradeMatch('SSHD', 'linux')?.core).toBe('sshd'); // Linux names are case-sensitive
  });

  it('look-alikes the old 28-character table missed are found through confusables.txt', () => {
    // Latin small capital S (U+A731) and Cherokee ꮪ (U+ABAA): two substitutions in a 5-letter name,
    // beyond the edit distance, caught only by the skeleton.
    expect(masqueradeMatch('lꜱaꮪꜱ.exe', 'windows')?.core).toBe('lsass');
    expect(masqueradeMatch('ꜱꜱhd', 'linux')?.core).toBe('sshd');
    expect(skeleton('Ɩꜱaꜱꜱ')).toBe(skeleton('lsass'));
    // Must not fire: a real, different program that merely shares letters.
    expect(masqueradeMatch('lsblk', 'linux')).toBeNull();
  });

  it('the PROC-NAME-MASQ finding names the full-width process and the allow-list does not suppress it as "svchost"', () => {
    const host = { os: 'windows' as const, connections: [win({ local: '0.0.0.0:8000', state: 'LISTEN', pid: 66, process: 'ｓｖｃｈｏｓｔ.exe' })] };
    const found = findingsOf(host, 'PROC-NAME-MASQ');
    expect(found).toHaveLength(1);
    // The name it imitates is interpretation (facts-from-evidence): it is in the rationale, not the FACTS.
    expect(found[0]!.rationale).toContain('imitates the core process name "svchost"');
    const allow = parseAllowList('rule=PROC-NAME-MASQ process=svchost.exe reason="the real one"', 'allow.txt', listRules().map((r) => r.id));
    const out = run(host, { allow });
    expect(out.findings.find((f) => f.rule === 'PROC-NAME-MASQ')?.suppressed ?? null).toBeNull();
    // The same entry does suppress the real svchost.exe's findings: it is a working entry.
    expect(run({ os: 'windows', connections: [win({ local: '0.0.0.0:8000', state: 'LISTEN', pid: 67, process: 'svch0st.exe' })] }, { allow: parseAllowList('rule=PROC-NAME-MASQ process=svch0st.exe reason="lab"', 'allow.txt', listRules().map((r) => r.id)) }).findings.find((f) => f.rule === 'PROC-NAME-MASQ')?.suppressed).toBeTruthy();
  });

  it('the confusables table is generated from a recorded Unicode version, never edited by hand', () => {
    expect(CONFUSABLES_SOURCE.unicode).toMatch(/^\d+\.\d+\.\d+$/);
    expect(CONFUSABLES_SOURCE.mappings).toBeGreaterThan(1500);
    const generated = execFileSync(process.execPath, [join(REPO, 'src/setup/gen-confusables.mjs'), '--stdout'], { encoding: 'utf8' });
    expect(generated).toBe(readFileSync(join(REPO, 'src/analyze/confusables-table.ts'), 'utf8'));
  });
});

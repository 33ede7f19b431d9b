// Process identity rules and the masquerade scorer behind PROC-NAME-MASQ.
import { describe, expect, it } from 'vitest';
import { masqueradeMatch, osaDistance, skeleton } from '../../src/analyze/masquerade.js';
import { established, findingsOf, listen, proc, win, type Host } from './helpers.js';

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

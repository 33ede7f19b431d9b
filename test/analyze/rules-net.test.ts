// Every port/connection rule: a case that fires and a case that must not.
import { describe, expect, it } from 'vitest';
import { conn, established, findingsOf, listen, proc, win, type Host } from './helpers.js';

interface Case {
  rule: string;
  fires: Host;
  quiet: Host;
  severity?: string;
}

const cases: Case[] = [
  {
    rule: 'NET-BACKDOOR-PORT',
    fires: { connections: [listen('0.0.0.0:31337', 900, 'x')] },
    // A client's ephemeral port 4444 on an inbound SSH connection is not a backdoor.
    quiet: { connections: [listen('0.0.0.0:22', 10, 'sshd'), established('10.0.0.5:22', '10.0.0.9:4444', 10, 'sshd')] },
    severity: 'high',
  },
  {
    rule: 'NET-C2-CALLBACK-PORT',
    fires: { connections: [established('10.0.0.5:50000', '8.8.4.4:2222', 900, 'agent')] },
    quiet: { connections: [established('10.0.0.5:50000', '192.168.1.10:2222', 900, 'agent')] },
    severity: 'medium',
  },
  {
    rule: 'NET-ALT-HTTP-OUT',
    fires: { connections: [established('10.0.0.5:50000', '93.184.216.34:8080', 900, 'curl')] },
    quiet: { connections: [established('10.0.0.5:50000', '93.184.216.34:443', 900, 'curl')] },
    severity: 'low',
  },
  {
    rule: 'NET-LISTEN-ALL-UNEXPECTED',
    fires: { connections: [listen('0.0.0.0:47123', 900, 'agent'), listen('[::]:47123', 900, 'agent')] },
    quiet: { connections: [listen('127.0.0.1:47123', 900, 'agent'), listen('0.0.0.0:443', 901, 'nginx')] },
    severity: 'low',
  },
  {
    rule: 'NET-REMOTE-ADMIN-EXPOSED',
    fires: { connections: [listen('0.0.0.0:23', 900, 'telnetd')] },
    quiet: { connections: [listen('127.0.0.1:23', 900, 'telnetd')] },
    severity: 'high',
  },
  {
    rule: 'NET-IRC',
    fires: { connections: [established('10.0.0.5:50000', '185.1.1.1:6667', 900, 'x')] },
    quiet: { connections: [established('10.0.0.5:6667', '185.1.1.1:50000', 900, 'x'), listen('127.0.0.1:6667', 901, 'ircd')] },
    severity: 'medium',
  },
  {
    rule: 'NET-TOR',
    fires: { connections: [listen('127.0.0.1:9050', 900, 'tor'), established('10.0.0.5:50000', '185.1.1.1:443', 900, 'tor')] },
    quiet: { connections: [established('10.0.0.5:50000', '185.1.1.1:443', 900, 'firefox')] },
    severity: 'medium',
  },
  {
    rule: 'NET-PROXY-LISTENER',
    fires: { connections: [listen('0.0.0.0:1080', 900, 'python3')] },
    quiet: { connections: [listen('0.0.0.0:3128', 900, 'squid'), listen('127.0.0.1:1080', 901, 'ssh')] },
    severity: 'medium',
  },
  {
    rule: 'NET-PORTPROXY-LISTENER',
    fires: { os: 'windows', connections: [win({ local: '0.0.0.0:4325', state: 'LISTEN', pid: 5876, process: 'svchost.exe', component: 'iphlpsvc' })] },
    quiet: { os: 'windows', connections: [win({ local: '0.0.0.0:135', state: 'LISTEN', pid: 1712, process: 'svchost.exe', component: 'RpcSs' })] },
    severity: 'medium',
  },
  {
    rule: 'NET-SHELL-SOCKET',
    fires: { connections: [established('10.0.0.5:40000', '203.0.113.66:4444', 900, 'bash')] },
    quiet: { connections: [established('10.0.0.5:40000', '203.0.113.66:443', 900, 'curl'), listen('127.0.0.1:7000', 901, 'bash')] },
    severity: 'critical',
  },
  {
    rule: 'NET-INTERP-SOCKET',
    fires: { connections: [established('10.0.0.5:40000', '203.0.113.66:9001', 900, 'python3')], processes: [proc(900, 'python3', { cmdline: ['python3', '-c', 'import socket,pty;s=socket.socket();pty.spawn("/bin/sh")'] })] },
    quiet: { connections: [listen('127.0.0.1:8000', 900, 'python3'), established('10.0.0.5:40000', '10.0.0.9:5432', 900, 'python3')] },
    severity: 'critical',
  },
  {
    rule: 'NET-TUNNEL-TOOL',
    fires: { connections: [established('10.0.0.5:40000', '203.0.113.66:443', 900, 'chisel')] },
    quiet: { connections: [established('10.0.0.5:40000', '203.0.113.66:22', 900, 'ssh')], processes: [proc(900, 'ssh', { cmdline: ['ssh', 'admin@203.0.113.66'] })] },
    severity: 'high',
  },
  {
    rule: 'NET-LOLBIN-OUTBOUND',
    fires: { os: 'windows', connections: [win({ local: '10.0.0.5:50000', remote: '203.0.113.66:443', state: 'ESTABLISHED', pid: 3000, process: 'notepad.exe' })] },
    quiet: { os: 'windows', connections: [win({ local: '10.0.0.5:50000', remote: '10.0.0.20:9100', state: 'ESTABLISHED', pid: 3000, process: 'notepad.exe' })] },
    severity: 'high',
  },
  {
    rule: 'NET-PS-OUTBOUND',
    fires: { os: 'windows', connections: [win({ local: '10.0.0.5:50000', remote: '203.0.113.66:8443', state: 'ESTABLISHED', pid: 3000, process: 'powershell.exe' })] },
    quiet: { os: 'windows', connections: [win({ local: '10.0.0.5:50000', remote: '10.0.0.20:5985', state: 'ESTABLISHED', pid: 3000, process: 'powershell.exe' })] },
    severity: 'medium',
  },
  {
    rule: 'NET-RDP-ODD-CLIENT',
    fires: { os: 'windows', connections: [win({ local: '10.0.0.5:50000', remote: '10.0.0.30:3389', state: 'ESTABLISHED', pid: 3000, process: 'update.exe' })] },
    quiet: { os: 'windows', connections: [win({ local: '10.0.0.5:50000', remote: '10.0.0.30:3389', state: 'ESTABLISHED', pid: 3000, process: 'mstsc.exe' })] },
    severity: 'high',
  },
  {
    rule: 'NET-RDP-REVERSE-TUNNEL',
    fires: {
      os: 'windows',
      connections: [
        win({ local: '0.0.0.0:3389', state: 'LISTEN', pid: 1100, process: 'svchost.exe' }),
        win({ local: '127.0.0.1:3389', remote: '127.0.0.1:50123', state: 'ESTABLISHED', pid: 1100, process: 'svchost.exe' }),
      ],
    },
    quiet: {
      os: 'windows',
      connections: [
        win({ local: '0.0.0.0:3389', state: 'LISTEN', pid: 1100, process: 'svchost.exe' }),
        win({ local: '10.0.0.5:3389', remote: '10.0.0.40:50123', state: 'ESTABLISHED', pid: 1100, process: 'svchost.exe' }),
      ],
    },
    severity: 'high',
  },
  {
    rule: 'NET-RAW-SNIFFER',
    fires: { connections: [conn({ protocol: 'raw', local: '0.0.0.0:1', state: '7', pid: 900, process: 'update-notifier' })] },
    quiet: { connections: [conn({ protocol: 'raw', local: '[::]:58', state: '7', pid: 878, process: 'NetworkManager' })] },
    severity: 'high',
  },
  {
    rule: 'NET-ORPHAN-LISTENER',
    fires: { connections: [listen('0.0.0.0:22', 10, 'sshd'), listen('0.0.0.0:31999', null, null)] },
    // Unprivileged capture: other users' sockets have no owner, that proves nothing.
    quiet: { privileged: false, connections: [listen('0.0.0.0:22', 10, 'sshd'), listen('0.0.0.0:31999', null, null)] },
    severity: 'medium',
  },
];

describe.each(cases)('$rule', ({ rule, fires, quiet, severity }) => {
  it('fires on the suspicious case, with references to the raw lines', () => {
    const found = findingsOf(fires, rule);
    expect(found.length).toBeGreaterThan(0);
    const f = found[0]!;
    if (severity) expect(f.originalSeverity ?? f.severity).toBe(severity);
    expect(f.refs.length).toBeGreaterThan(0);
    expect(f.refs[0]!.artifact).toMatch(/^raw\//);
    expect(f.detail.length).toBeGreaterThan(10);
    expect(f.attack.length + f.references.length).toBeGreaterThan(0);
  });
  it('stays quiet on the look-alike benign case', () => {
    expect(findingsOf(quiet, rule)).toEqual([]);
  });
});

describe('severity variants', () => {
  it('backdoor port bound to loopback only is medium; an outbound connection to 4444 is high', () => {
    expect(findingsOf({ connections: [listen('127.0.0.1:1337', 900, 'x')] }, 'NET-BACKDOOR-PORT')[0]?.severity).toBe('medium');
    expect(findingsOf({ connections: [established('10.0.0.5:40000', '198.51.100.9:4444', 900, 'x')] }, 'NET-BACKDOOR-PORT')[0]?.severity).toBe('high');
  });
  it('SSH exposure is info, RDP medium, WinRM via System info', () => {
    expect(findingsOf({ connections: [listen('0.0.0.0:22', 10, 'sshd')] }, 'NET-REMOTE-ADMIN-EXPOSED')[0]?.severity).toBe('info');
    expect(findingsOf({ os: 'windows', connections: [win({ local: '0.0.0.0:3389', state: 'LISTEN', pid: 1100, process: 'svchost.exe' })] }, 'NET-REMOTE-ADMIN-EXPOSED')[0]?.severity).toBe('medium');
    expect(findingsOf({ os: 'windows', connections: [win({ local: '0.0.0.0:5985', state: 'LISTEN', pid: 4, process: null })] }, 'NET-REMOTE-ADMIN-EXPOSED')[0]?.severity).toBe('info');
  });
  it('one finding per process and port for IPv4 + IPv6 listeners', () => {
    const found = findingsOf({ connections: [listen('0.0.0.0:22', 10, 'sshd'), listen('[::]:22', 10, 'sshd')] }, 'NET-REMOTE-ADMIN-EXPOSED');
    expect(found).toHaveLength(1);
    expect(found[0]!.refs).toHaveLength(2);
  });
  it('a shell talking to loopback is medium, a shell listening on the network is critical', () => {
    expect(findingsOf({ connections: [established('127.0.0.1:40000', '127.0.0.1:80', 900, 'bash')] }, 'NET-SHELL-SOCKET')[0]?.severity).toBe('medium');
    expect(findingsOf({ connections: [listen('0.0.0.0:5555', 900, 'sh')] }, 'NET-SHELL-SOCKET')[0]?.severity).toBe('critical');
  });
  it('netcat listening beyond loopback is high without a shell one-liner', () => {
    const f = findingsOf({ connections: [listen('0.0.0.0:5555', 900, 'nc')] }, 'NET-INTERP-SOCKET')[0];
    expect(f?.originalSeverity ?? f?.severity).toBe('high');
  });
  it('ssh port forwarding is medium', () => {
    const host: Host = { connections: [listen('127.0.0.1:8080', 900, 'ssh')], processes: [proc(900, 'ssh', { cmdline: ['ssh', '-fNL', '8080:intranet:80', 'jump'] })] };
    expect(findingsOf(host, 'NET-TUNNEL-TOOL')[0]?.severity).toBe('medium');
  });
  it('LOLBins are medium; rundll32 without arguments is high', () => {
    const lol = (cmdline: string[]): Host => ({
      os: 'windows',
      connections: [win({ local: '10.0.0.5:50000', remote: '203.0.113.66:443', state: 'ESTABLISHED', pid: 3000, process: 'rundll32.exe' })],
      processes: [proc(3000, 'rundll32.exe', { exe: 'C:\\Windows\\System32\\rundll32.exe', cmdline })],
    });
    expect(findingsOf(lol(['rundll32.exe', 'shell32.dll,Control_RunDLL']), 'NET-LOLBIN-OUTBOUND')[0]?.severity).toBe('medium');
    expect(findingsOf(lol(['rundll32.exe']), 'NET-LOLBIN-OUTBOUND')[0]?.severity).toBe('high');
  });
  it('port-knocking daemons are info', () => {
    expect(findingsOf({ connections: [conn({ protocol: 'raw', local: '0.0.0.0:6', state: '7', pid: 900, process: 'knockd' })] }, 'NET-RAW-SNIFFER')[0]?.severity).toBe('info');
  });
  it('Windows System listeners: SMB is expected, an odd port is reported', () => {
    const sys = (port: number): Host => ({ os: 'windows', connections: [win({ local: `0.0.0.0:${port}`, state: 'LISTEN', pid: 4, process: null })] });
    expect(findingsOf(sys(445), 'NET-ORPHAN-LISTENER')).toEqual([]);
    expect(findingsOf(sys(8531), 'NET-ORPHAN-LISTENER')).toHaveLength(1);
  });
  it('kernel sockets (VXLAN 4789) are not orphans', () => {
    expect(findingsOf({ connections: [listen('0.0.0.0:22', 10, 'sshd'), conn({ protocol: 'udp', local: '0.0.0.0:4789', state: null })] }, 'NET-ORPHAN-LISTENER')).toEqual([]);
  });
});

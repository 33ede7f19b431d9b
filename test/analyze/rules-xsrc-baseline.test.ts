// Cross-source rules (netstat / ss / /proc of one capture) and baseline comparison rules.
import { describe, expect, it } from 'vitest';
import { acquisition, conn, established, findingsOf, listen, proc, route, type Host } from './helpers.js';

const procRecord = (local: string, inode: number, extra = {}) => conn({ local, view: 'proc', state: 'LISTEN', inode, uid: 0, ...extra });

describe('XSRC-HIDDEN-FROM-TOOLS', () => {
  const tools = [listen('0.0.0.0:22', 10, 'sshd', { inode: 100 }), listen('0.0.0.0:22', 10, 'sshd', { view: 'ss', inode: 100 })];
  it('fires for a listener only /proc/net/tcp shows, and joins its owner by inode', () => {
    const host: Host = { connections: [...tools, procRecord('0.0.0.0:22', 100), procRecord('0.0.0.0:31338', 777)], processes: [proc(4444, 'hidden', { socketInodes: [777] })] };
    const found = findingsOf(host, 'XSRC-HIDDEN-FROM-TOOLS');
    expect(found).toHaveLength(1);
    expect(found[0]!.originalSeverity ?? found[0]!.severity).toBe('high');
    expect(found[0]!.pid).toBe(4444);
    expect(found[0]!.detail).toMatch(/netstat and ss/);
  });
  it('stays quiet when netstat and ss show the same sockets (dialects normalised)', () => {
    const host: Host = {
      connections: [
        ...tools,
        listen('[::ffff:127.0.0.1]:8080', 11, 'java', { view: 'ss' }),
        conn({ local: '0000:0000:0000:0000:0000:ffff:7f00:0001:8080', view: 'proc', state: 'LISTEN', inode: 5 }),
        procRecord('0.0.0.0:22', 100),
      ],
    };
    expect(findingsOf(host, 'XSRC-HIDDEN-FROM-TOOLS')).toEqual([]);
  });
  it('ignores transient states and views that printed names instead of numbers', () => {
    const host: Host = {
      connections: [listen('localhost:25', 12, 'master'), conn({ local: '10.0.0.5:40000', remote: '1.2.3.4:443', view: 'proc', state: 'TIME_WAIT' }), procRecord('0.0.0.0:31338', 777)],
    };
    expect(findingsOf(host, 'XSRC-HIDDEN-FROM-TOOLS')).toEqual([]);
  });
});

describe('XSRC-MISSING-FROM-PROC', () => {
  it('fires for a listener ss shows but /proc/net/tcp does not', () => {
    const host: Host = { connections: [listen('0.0.0.0:22', 10, 'sshd', { view: 'ss' }), listen('0.0.0.0:5555', 66, 'x', { view: 'ss' }), procRecord('0.0.0.0:22', 100)] };
    const found = findingsOf(host, 'XSRC-MISSING-FROM-PROC');
    expect(found).toHaveLength(1);
    expect(found[0]!.detail).toMatch(/0\.0\.0\.0:5555/);
  });
  it('stays quiet without a /proc view, or for a protocol whose /proc file was not read', () => {
    expect(findingsOf({ connections: [listen('0.0.0.0:5555', 66, 'x', { view: 'ss' })] }, 'XSRC-MISSING-FROM-PROC')).toEqual([]);
    const udpOnlyInTools: Host = { connections: [listen('0.0.0.0:53', 66, 'dnsmasq', { protocol: 'udp', view: 'ss' }), procRecord('0.0.0.0:22', 100), listen('0.0.0.0:22', 10, 'sshd', { view: 'ss' })] };
    expect(findingsOf(udpOnlyInTools, 'XSRC-MISSING-FROM-PROC')).toEqual([]);
  });
});

const baselineHost: Host = {
  connections: [listen('0.0.0.0:22', 10, 'sshd'), listen('0.0.0.0:514', 20, 'rsyslogd'), established('10.0.0.5:22', '10.0.0.9:50000', 11, 'sshd')],
  routes: [route('0.0.0.0/0', '10.0.0.1', 'eth0'), route('10.0.0.0/24', null, 'eth0')],
};

describe('baseline rules', () => {
  const now: Host = {
    connections: [listen('0.0.0.0:22', 110, 'sshd'), listen('0.0.0.0:4455', 300, 'agent'), established('10.0.0.5:22', '10.0.0.9:50001', 111, 'sshd')],
    routes: [route('0.0.0.0/0', '10.0.0.66', 'eth0'), route('10.0.0.0/24', null, 'eth0'), route('203.0.113.0/24', '10.0.0.66', 'eth0')],
  };
  const withBaseline = (host: Host) => ({ baseline: { acquisition: acquisition('linux', true), connections: host.connections ?? [], routes: host.routes ?? [], processes: [], interfaces: [] }, baselineLabel: 'host_20240101T000000Z' });

  it('BASE-NEW-LISTENER: a listener that was not there (PIDs may differ)', () => {
    const found = findingsOf(now, 'BASE-NEW-LISTENER', withBaseline(baselineHost));
    expect(found.map((f) => f.detail)).toEqual([expect.stringMatching(/0\.0\.0\.0:4455.*Not listening in host_20240101T000000Z/)]);
  });
  it('BASE-GONE-LISTENER: rsyslogd stopped listening', () => {
    const found = findingsOf(now, 'BASE-GONE-LISTENER', withBaseline(baselineHost));
    expect(found).toHaveLength(1);
    expect(found[0]!.detail).toMatch(/rsyslogd.*raw\/01-netstat\.stdout line \d+/);
  });
  it('BASE-NEW-PROCESS: a program that had no sockets before', () => {
    expect(findingsOf(now, 'BASE-NEW-PROCESS', withBaseline(baselineHost)).map((f) => f.process)).toEqual(['agent']);
  });
  it('BASE-ROUTE-CHANGED: default gateway changed (high) and a route added (medium)', () => {
    const found = findingsOf(now, 'BASE-ROUTE-CHANGED', withBaseline(baselineHost));
    expect(found.map((f) => [f.severity, f.detail.split(':')[0]])).toEqual([
      ['high', 'Route changed since host_20240101T000000Z'],
      ['medium', 'Route added since host_20240101T000000Z'],
    ]);
  });
  it('nothing fires when the capture equals its baseline, and no baseline rule runs without one', () => {
    for (const rule of ['BASE-NEW-LISTENER', 'BASE-GONE-LISTENER', 'BASE-NEW-PROCESS', 'BASE-ROUTE-CHANGED']) {
      expect(findingsOf(baselineHost, rule, withBaseline(baselineHost))).toEqual([]);
      expect(findingsOf(now, rule)).toEqual([]);
    }
  });
});

// Synthetic cases for the case graph's bench and tests, in the shape correlate.ts and the case rules
// give: one like the four-namespace lab, and chains of any length with outside peers.
import type { Severity } from '../model.js';
import type { OutsidePeer } from './correlate.js';
import type { CaseFile, CaseFlow, CaseHost, CaseLead, FlowEnd } from './types.js';

export interface Synthetic {
  file: CaseFile;
  outside: OutsidePeer[];
}

function host(key: string, name: string, addresses: string[]): CaseHost {
  return {
    key, name, evidenceId: `${name}_20261204T000000Z`, source: `/evidence/${name}`, sourceKind: 'bundle', bundle: { file: `hosts/${key}-${name}.zip`, sha256: '0'.repeat(64) },
    acquisitionSha256: '1'.repeat(64), custodySha256: '2'.repeat(64), captureWindow: null,
    clock: { systemUtc: '2026-12-04T00:00:00Z', ntpSynchronized: true, offset: null, source: 'system clock' },
    addresses: addresses.map((address) => ({ address, refs: [] })), checked: 'verify: 9 checks passed', hostLeads: [],
  };
}

function end(h: string | null, address: string, port: number, process: string, pid: number, lead: Severity | null = null): FlowEnd {
  return { host: h, address, port, pid, process, state: 'ESTABLISHED', ref: h ? { artifact: 'raw/01-netstat-anp.stdout', line: pid % 97 + 3 } : null, lead: lead ? { id: 'L-001', severity: lead } : null };
}

function flow(n: number, seen: CaseFlow['seen'], client: FlowEnd, server: FlowEnd, severity: Severity | null): CaseFlow {
  return { id: `F-${String(n).padStart(3, '0')}`, seen, client, server, direction: 'listener', note: seen === 'both' ? 'seen from both ends' : 'seen only from one end', ambiguous: null, severity };
}

function lead(n: number, rule: string, severity: Severity, flows: CaseFlow[]): CaseLead {
  return { id: `C-${String(n).padStart(3, '0')}`, rule, severity, title: rule, summary: rule, hosts: [...new Set(flows.flatMap((f) => [f.client.host!, f.server.host!]))], flows: flows.map((f) => f.id), refs: [] };
}

function caseOf(hosts: CaseHost[], flows: CaseFlow[], leads: CaseLead[], outside: OutsidePeer[]): Synthetic {
  return { file: { format: 'netcustody-case/1', caseId: 'BENCH', generated: '2026-12-04T00:00:00.000Z', tool: { name: 'netcustody', version: 'bench' }, hosts, flows, leads, ambiguities: [] }, outside };
}

/** The lab's chain: outside C2 ← web bash; web ssh → db sshd; db smbclient → file smbd; db ssh → web; benign postgres clients. */
export function labShapedCase(): Synthetic {
  const hosts = [host('H1', 'web', ['10.66.1.2', '10.67.1.1', 'fd66:1::2', 'fd67:1::1']), host('H2', 'db', ['10.67.1.2', '10.68.1.1', 'fd67:1::2']), host('H3', 'file', ['10.68.1.2'])];
  const flows = [
    flow(1, 'both', end('H1', '10.67.1.1', 40001, 'ssh', 1101, 'high'), end('H2', '10.67.1.2', 22, 'sshd', 2001), 'high'),
    flow(2, 'client-only', end('H1', 'fd67:1::1', 40002, 'php-fpm', 1102), end('H2', 'fd67:1::2', 5432, 'postgres', 2002, 'medium'), null),
    flow(3, 'both', end('H1', 'fd67:1::1', 40003, 'php-fpm', 1103), end('H2', 'fd67:1::2', 5432, 'postgres', 2002, 'medium'), null),
    flow(4, 'both', end('H2', '10.67.1.2', 40004, 'ssh', 2003), end('H1', '10.67.1.1', 22, 'sshd', 1104), 'high'),
    flow(5, 'both', end('H2', '10.68.1.1', 40005, 'smbclient', 2004, 'high'), end('H3', '10.68.1.2', 445, 'smbd', 3001), 'high'),
    flow(6, 'both', end('H3', '10.68.1.2', 40006, 'pg_dump', 3002), end('H2', '10.68.1.1', 5432, 'postgres', 2002, 'medium'), null),
  ];
  const leads = [lead(1, 'CASE-LATERAL-ADMIN', 'high', [flows[3], flows[4]]), lead(2, 'CASE-LEAD-PEER', 'high', [flows[4]]), lead(3, 'CASE-LEAD-PEER', 'high', [flows[0]]), lead(4, 'CASE-SINGLE-CLIENT', 'low', [flows[0]])];
  const outside: OutsidePeer[] = [
    { host: 'H1', address: '10.66.1.1', port: 80, network: 'private-use (RFC 1918)', external: false, inbound: true, end: end('H1', '10.66.1.2', 80, 'nginx', 1105) },
    { host: 'H1', address: '203.0.113.66', port: 4444, network: 'documentation (TEST-NET-3, RFC 5737)', external: true, inbound: false, end: end('H1', '10.66.1.2', 40007, 'bash', 1106, 'critical') },
  ];
  return caseOf(hosts, flows, leads, outside);
}

/** `hosts` hosts in a chain, `perHop` flows from each to the next, `peers` outside peers on the first. */
export function chainCase(hosts: number, perHop: number, peers: number): Synthetic {
  const list = Array.from({ length: hosts }, (_, i) => host(`H${i + 1}`, `host-${i + 1}`, [`10.70.${i}.1`, `fd70:${i}::1`]));
  const flows: CaseFlow[] = [];
  const leads: CaseLead[] = [];
  for (let i = 0; i + 1 < hosts; i++) {
    for (let k = 0; k < perHop; k++) {
      const n = flows.length + 1;
      const port = [22, 445, 5432][k % 3];
      const f = flow(n, k === 2 ? 'client-only' : 'both', end(`H${i + 1}`, `10.70.${i}.1`, 41000 + n, ['ssh', 'smbclient', 'psql'][k % 3], 1000 * i + 10 + k, k === 0 ? 'high' : null), end(`H${i + 2}`, `10.70.${i + 1}.1`, port, ['sshd', 'smbd', 'postgres'][k % 3], 1000 * (i + 1) + 1 + k), k === 0 ? 'high' : null);
      flows.push(f);
      if (k === 0) leads.push(lead(leads.length + 1, 'CASE-LEAD-PEER', 'high', [f]));
    }
  }
  const networks = ['public', 'documentation (TEST-NET-3, RFC 5737)', 'private-use (RFC 1918)'];
  const outside: OutsidePeer[] = Array.from({ length: peers }, (_, i) => ({ host: 'H1', address: `198.51.100.${i + 1}`, port: 443, network: networks[i % 3], external: true, inbound: false, end: end('H1', '10.70.0.1', 50000 + i, i % 5 === 0 ? 'curl' : `agent-${i % 4}`, 900 + (i % 12)) }));
  return caseOf(list, flows, leads, outside);
}

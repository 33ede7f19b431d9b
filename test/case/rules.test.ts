// Each case rule fires on the shape it is about and stays quiet on the nearest benign shape (the
// flows are built as correlate() builds them; the four-host lab shows them on real captures).
import { describe, expect, it } from 'vitest';
import { CASE_RULES } from '../../src/case/rules/index.js';
import { caseLeadPeer } from '../../src/case/rules/case-lead-peer.js';
import { caseLateralAdmin } from '../../src/case/rules/case-lateral-admin.js';
import { caseSharedExternal } from '../../src/case/rules/case-shared-external.js';
import { caseSingleClient } from '../../src/case/rules/case-single-client.js';
import type { CaseContext } from '../../src/case/rules/types.js';
import type { OutsidePeer } from '../../src/case/correlate.js';
import type { CaseFlow, FlowEnd } from '../../src/case/types.js';
import type { Severity } from '../../src/model.js';

const names = new Map([['H1', 'web'], ['H2', 'db'], ['H3', 'file'], ['H4', 'ws']]);
let line = 1;
function end(host: string, address: string, port: number, process: string, lead: Severity | null = null): FlowEnd {
  return { host, address, port, pid: 100 + line, process, state: 'ESTABLISHED', ref: { artifact: 'raw/01-netstat-anp.stdout', line: line++ }, lead: lead ? { id: 'L-001', severity: lead } : null };
}
let n = 0;
function flow(client: FlowEnd, server: FlowEnd, extra: Partial<CaseFlow> = {}): CaseFlow {
  return { id: `F-${String(++n).padStart(3, '0')}`, seen: 'both', client, server, direction: 'test', note: 'seen from both ends', ambiguous: null, severity: null, ...extra };
}
function outside(host: string, address: string, port: number, process: string, inbound = false): OutsidePeer {
  return { host, address, port, network: 'public', external: true, inbound, end: end(host, '10.0.0.1', inbound ? port : 40000 + n, process) };
}
const ctx = (flows: CaseFlow[], out: OutsidePeer[] = []): CaseContext => ({ names, flows, outside: out });

describe('case rules', () => {
  it('each rule has meta with id, severity, rationale, false positives and ATT&CK ids', () => {
    for (const r of CASE_RULES) {
      expect(r.meta.id).toMatch(/^CASE-[A-Z-]+$/);
      expect(r.meta.rationale.length).toBeGreaterThan(20);
      expect(r.meta.falsePositives.length).toBeGreaterThan(10);
      expect(r.meta.attack.length).toBeGreaterThan(0);
    }
  });

  it('CASE-LEAD-PEER fires on a high lead\'s connection to another examined host, naming the other end', () => {
    const hits = caseLeadPeer.check(ctx([flow(end('H1', '10.0.0.1', 40001, 'ssh', 'high'), end('H2', '10.0.0.2', 22, 'sshd'))]));
    expect(hits).toHaveLength(1);
    expect(hits[0].severity).toBe('high');
    expect(hits[0].summary).toContain('process "sshd"');
    expect(hits[0].summary).toContain('becomes a lead of this case');
    expect(hits[0].ends).toHaveLength(2);
    // Critical on either side makes it critical.
    expect(caseLeadPeer.check(ctx([flow(end('H1', '10.0.0.1', 40001, 'bash', 'critical'), end('H2', '10.0.0.2', 22, 'sshd', 'high'))]))[0].severity).toBe('critical');
  });

  it('CASE-LEAD-PEER stays quiet on medium host leads, no leads, and ambiguous flows', () => {
    expect(caseLeadPeer.check(ctx([flow(end('H1', '10.0.0.1', 40001, 'php-fpm'), end('H2', '10.0.0.2', 5432, 'postgres', 'medium'))]))).toEqual([]);
    expect(caseLeadPeer.check(ctx([flow(end('H1', '10.0.0.1', 40001, 'curl'), end('H2', '10.0.0.2', 80, 'nginx'))]))).toEqual([]);
    const amb = flow(end('H1', '10.0.0.1', 40001, 'ssh', 'high'), { host: null, address: '10.0.0.2', port: 22, pid: null, process: null, state: null, ref: null, lead: null }, { ambiguous: '10.0.0.2 is an address of db, db (2)' });
    expect(caseLeadPeer.check(ctx([amb]))).toEqual([]);
  });

  it('CASE-LATERAL-ADMIN fires on one host reaching two examined hosts on admin ports, not on one', () => {
    const a = flow(end('H2', '10.0.0.2', 40001, 'smbclient'), end('H3', '10.0.0.3', 445, 'smbd'));
    const b = flow(end('H2', '10.0.0.2', 40002, 'ssh'), end('H1', '10.0.0.1', 22, 'sshd'));
    const hits = caseLateralAdmin.check(ctx([a, b]));
    expect(hits).toHaveLength(1);
    expect(hits[0].hosts).toEqual(['H2', 'H3', 'H1']);
    expect(hits[0].summary).toMatch(/file SMB \(TCP 445.*web SSH \(TCP 22/);
    expect(caseLateralAdmin.check(ctx([a]))).toEqual([]);
    // Two hosts on a database port is not remote administration.
    expect(caseLateralAdmin.check(ctx([flow(end('H2', '10.0.0.2', 40003, 'psql'), end('H1', '10.0.0.1', 5432, 'postgres')), flow(end('H2', '10.0.0.2', 40004, 'psql'), end('H3', '10.0.0.3', 5432, 'postgres'))]))).toEqual([]);
    // Several sessions to one host on 22 and 445 are one peer.
    expect(caseLateralAdmin.check(ctx([a, flow(end('H2', '10.0.0.2', 40005, 'ssh'), end('H3', '10.0.0.3', 22, 'sshd'))]))).toEqual([]);
  });

  it('CASE-SHARED-EXTERNAL fires on one outside address from two hosts, not from one host twice', () => {
    const hits = caseSharedExternal.check(ctx([], [outside('H1', '198.51.100.9', 443, 'bash'), outside('H2', '198.51.100.9', 443, 'python3')]));
    expect(hits).toHaveLength(1);
    expect(hits[0].summary).toContain('198.51.100.9');
    expect(hits[0].ends).toHaveLength(2);
    expect(caseSharedExternal.check(ctx([], [outside('H1', '198.51.100.9', 443, 'bash'), outside('H1', '198.51.100.9', 8443, 'curl')]))).toEqual([]);
    const priv = { ...outside('H2', '10.9.9.9', 443, 'x'), external: false };
    expect(caseSharedExternal.check(ctx([], [{ ...outside('H1', '10.9.9.9', 443, 'x'), external: false }, priv]))).toEqual([]);
  });

  it('CASE-SINGLE-CLIENT fires on a listener only one examined host reaches; not with two clients or outside clients', () => {
    const one = flow(end('H1', '10.0.0.1', 40001, 'ssh'), end('H2', '10.0.0.2', 22, 'sshd'));
    expect(caseSingleClient.check(ctx([one]))).toHaveLength(1);
    expect(caseSingleClient.check(ctx([one, flow(end('H3', '10.0.0.3', 40002, 'ssh'), end('H2', '10.0.0.2', 22, 'sshd'))]))).toEqual([]);
    expect(caseSingleClient.check(ctx([one], [outside('H2', '198.51.100.7', 51000, 'sshd', true)].map((p) => ({ ...p, end: { ...p.end, port: 22 } }))))).toEqual([]);
  });
});

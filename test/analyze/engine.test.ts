// Engine behaviour: allow-list, escalation, ordering, determinism, hostile input, rule catalogue.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EvidenceError } from '../../src/evidence/folder.js';
import { analyze, listRules, loadAllowList, parseAllowList } from '../../src/analyze/index.js';
import { SEVERITIES } from '../../src/model.js';
import { established, input, listen, proc, route, run, type Host } from './helpers.js';
import { tempDir } from '../helpers/cli.js';

const seed: Host = {
  os: 'windows',
  connections: [listen('0.0.0.0:1337', 1256, 'srss.exe', { format: 'windows-netstat' }), listen('0.0.0.0:22', 10, 'sshd', { format: 'windows-netstat' })],
  routes: [route('0.0.0.0/0', '10.0.0.1', 'eth0'), route('10.0.0.0/24', null, 'eth0'), route('10.9.9.9/32', '10.0.0.254', 'eth0')],
};

function allowFile(text: string): string {
  const dir = tempDir('nc-allow-');
  const path = join(dir, 'allow.json');
  writeFileSync(path, text);
  return path;
}

describe('severity and ordering', () => {
  it('keeps each finding at its own rule severity when two rules hit one PID (the lead groups them)', () => {
    const out = run(seed);
    const backdoor = out.findings.find((f) => f.rule === 'NET-BACKDOOR-PORT')!;
    expect(backdoor.severity).toBe('high');
    expect(backdoor.originalSeverity).toBeUndefined();
    expect(backdoor).not.toHaveProperty('escalated');
    expect(JSON.stringify(out.findings)).not.toMatch(/raised one level/);
  });
  it('sorts most severe first and numbers F-0001...', () => {
    const out = run(seed);
    const ranks = out.findings.map((f) => SEVERITIES.indexOf(f.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    expect(out.findings.map((f) => f.id)).toEqual(out.findings.map((_, i) => `F-${String(i + 1).padStart(4, '0')}`));
  });
  it('is deterministic: same input, same JSON', () => {
    expect(JSON.stringify(run(seed))).toBe(JSON.stringify(run(seed)));
  });
  it('process views: the masquerading process comes first with both findings', () => {
    const out = run(seed);
    const view = out.processes[0]!;
    expect(view.pid).toBe(1256);
    expect(view.maxSeverity).toBe('critical');
    expect(view.rules).toEqual(['NET-BACKDOOR-PORT', 'PROC-NAME-MASQ']);
    expect(view.listeningPorts).toEqual([1337]);
  });
});

describe('allow-list', () => {
  it('suppresses and lowers, keeping the findings with the reason', () => {
    const allow = parseAllowList(
      JSON.stringify({
        entries: [
          { rule: 'NET-REMOTE-ADMIN-EXPOSED', process: 'sshd', port: 22, action: 'suppress', reason: 'managed jump host' },
          { rule: 'ROUTE-HOST-ODD-GW', destination: '10.9.9.9/32', action: 'lower', severity: 'info', reason: 'backup link' },
        ],
      }),
    );
    const out = run(seed, { allow });
    const ssh = out.findings.find((f) => f.rule === 'NET-REMOTE-ADMIN-EXPOSED')!;
    expect(ssh.suppressed).toEqual({ by: 'allow-list entry 1', reason: 'managed jump host' });
    expect(out.findings.at(-1)).toBe(ssh);
    const hostRoute = out.findings.find((f) => f.rule === 'ROUTE-HOST-ODD-GW')!;
    expect([hostRoute.severity, hostRoute.originalSeverity]).toEqual(['info', 'medium']);
    expect(out.summary.suppressed).toBe(1);
    expect(out.summary.bySeverity.info).toBe(1);
  });
  it('a suppressed finding leaves its lead rated by the other findings', () => {
    const allow = parseAllowList('rule=PROC-NAME-MASQ process=srss.exe reason="lab test binary"');
    const out = run(seed, { allow });
    const lead = out.leads.find((l) => l.pid === 1256)!;
    expect(lead.severity).toBe('high');
    expect(lead.severityReason).toBe('from its one active finding: high (NET-BACKDOOR-PORT); 1 finding suppressed by the allow-list');
  });
  it('loads from a file; errors name the file, the line and the field', () => {
    const good = allowFile('{\n  "entries": [\n    { "rule": "NET-IRC", "port": 6667, "reason": "irc dev" }\n  ]\n}\n');
    expect(loadAllowList(good).entries[0]).toMatchObject({ rule: 'NET-IRC', port: 6667, action: 'suppress', line: 3 });
    const cases: [string, RegExp][] = [
      ['{\n  "entries": [\n    { "rule": "NET-IRC", "reason": "x", }\n  ]\n}', /allow\.json line 3, column \d+: invalid JSON/],
      ['{\n  "entries": [\n    {},\n    { "rule": "NET-IRC", "severity": "hgh", "action": "lower", "reason": "x" }\n  ]\n}', /allow\.json line 3 \(entry 1\): field "rule"/],
      ['{ "entries": [ { "rule": "NET-IRC", "severity": "hgh", "action": "lower", "reason": "x" } ] }', /line 1 \(entry 1\): field "severity": expected one of info\|low\|medium\|high\|critical, got "hgh"/],
      ['{ "entries": [ { "rule": "NET-NOPE", "reason": "x" } ] }', /field "rule": unknown rule id "NET-NOPE"/],
      ['{ "entries": [ { "rule": "NET-IRC" } ] }', /field "reason": required/],
      ['{ "entries": [ { "rule": "NET-IRC", "reason": "x", "prot": 1 } ] }', /field "prot": unknown field/],
      ['{ "entries": [ { "rule": "NET-IRC", "reason": "x", "port": "22" } ] }', /field "port": expected a whole number/],
      ['{ "entries": [ { "rule": "ROUTE-BLACKHOLE", "reason": "x", "destination": "nope" } ] }', /field "destination": not an address/],
      ['{ "entries": {} }', /field "entries": expected an array/],
      ['rule=NET-IRC reason="x" bogus', /line 1: expected key=value/],
    ];
    for (const [text, message] of cases) {
      const path = allowFile(text);
      expect(() => loadAllowList(path)).toThrow(EvidenceError);
      expect(() => loadAllowList(path)).toThrow(message);
    }
    expect(() => loadAllowList('/nonexistent/allow.json')).toThrow(/\/nonexistent\/allow\.json: cannot read allow-list/);
  });

  it('"__proto__" is a key like any other: refused as unknown, never a prototype that skips validation', () => {
    // Before: { "__proto__": { "rule": "*", ... } } became the entry's prototype: Object.keys saw
    // nothing to refuse and the inherited rule "*" suppressed every finding.
    const cases: [string, RegExp][] = [
      ['{ "entries": [ { "__proto__": { "rule": "*", "reason": "x" } } ] }', /allow\.json line 1 \(entry 1\): field "__proto__": unknown field/],
      ['{ "entries": [ { "rule": "NET-IRC", "reason": "x", "__proto__": { "port": 1 } } ] }', /line 1 \(entry 1\): field "__proto__": unknown field/],
      ['{\n "entries": [\n  { "rule": "NET-IRC", "reason": "x" },\n  { "rule": "NET-IRC", "reason": "y", "constructor": "z" }\n ]\n}', /allow\.json line 4 \(entry 2\): field "constructor": unknown field/],
      ['{ "__proto__": { "entries": [ { "rule": "*", "reason": "x" } ] }, "entries": [] }', /allow\.json line 1: unknown key "__proto__" at the top level \(allowed: entries\)/],
      ['{ "entries": [], "comment": "x" }', /unknown key "comment" at the top level/],
      ['{ "entries": [ { "rule": "NET-IRC", "reason": "x", "rule": "*" } ] }', /allow\.json line 1, column \d+: invalid JSON: key "rule" appears twice in one object/],
      ['rule=NET-IRC reason="x" rule=*', /allow\.json line 1: field "rule" given twice/],
      ['rule=NET-IRC reason="x" constructor=1', /allow\.json line 1 \(entry 1\): field "constructor": unknown field/],
    ];
    for (const [text, message] of cases) {
      const path = allowFile(text);
      expect(() => loadAllowList(path), text).toThrow(message);
    }
    expect(({} as Record<string, unknown>).rule).toBeUndefined(); // no global prototype was touched
  });

  it('a parsed entry has exactly the fields of the file', () => {
    const list = loadAllowList(allowFile('{ "entries": [ { "rule": "NET-IRC", "port": 6667, "reason": "irc dev" } ] }'));
    expect(Object.keys(list.entries[0]!).sort()).toEqual(['action', 'index', 'line', 'port', 'reason', 'rule']);
  });
});

describe('hostile and odd input never throws', () => {
  const nasty = ['<script>alert(1)</script>', '\u001b[31mred\u001b[0m', 'a\u0000b', '{{constructor}}', '\u202Eexe.txt', '\uFFFD\uFFFD', '../../etc/passwd', 'x'.repeat(5000)];
  it('names, addresses and routes of any shape', () => {
    const connections = nasty.flatMap((name, i) => [
      listen(`0.0.0.0:${1000 + i}`, 500 + i, name),
      established(`${name}:1`, `${name}:${i}`, 600 + i, name),
      listen('[fe80::1%eth0]:22', 700 + i, name),
    ]);
    const routes = nasty.map((n) => route(n, n, n));
    const processes = nasty.map((n, i) => proc(500 + i, n, { exe: n, cmdline: [n, n] }));
    const out = analyze(input({ connections, routes, processes }));
    expect(out.warnings).toEqual([]);
    for (const f of out.findings) {
      expect(f.detail).not.toMatch(/[\u0000-\u0008\u001b\u202E]/);
      expect(f.detail.length).toBeLessThan(4000);
    }
    expect(out.processes.every((p) => !/[\u0000\u001b\u202E]/.test(p.process ?? ''))).toBe(true);
  });
});

describe('rule catalogue', () => {
  it('lists at least 25 documented rules with unique ids', () => {
    const rules = listRules();
    expect(rules.length).toBeGreaterThanOrEqual(25);
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    for (const r of rules) {
      expect(r.id).toMatch(/^(NET|PROC|ROUTE|XSRC|BASE)-[A-Z0-9-]+$/);
      expect(SEVERITIES).toContain(r.severity);
      for (const text of [r.title, r.description, r.rationale, r.falsePositives]) expect(text.length).toBeGreaterThan(10);
      expect(r.attack.length + r.references.length).toBeGreaterThan(0);
      for (const url of r.references) expect(url).toMatch(/^https?:\/\//);
    }
  });
  it('reports how many rules ran (baseline rules only with a baseline)', () => {
    const without = run({}).summary.rulesRun;
    const withBase = run({}, { baseline: input({}) }).summary.rulesRun;
    expect(withBase - without).toBe(4);
  });
});

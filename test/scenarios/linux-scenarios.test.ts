// Proof on realistic hosts: each scenario is built in network namespaces with real sockets and
// routes, collected with `netcustody collect` inside the victim namespace and analysed with
// `netcustody analyze`. The expected findings must be there; the benign services around them must
// not raise anything high or critical.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding, Severity } from '../../src/model.js';
import { SEVERITIES } from '../../src/model.js';
import { netnsAvailable } from '../lab/netns.mjs';
import { SCENARIOS } from '../lab/scenarios.mjs';
import { runCli, tempDir } from '../helpers/cli.js';

const atLeast = (s: Severity, min: Severity) => SEVERITIES.indexOf(s) >= SEVERITIES.indexOf(min);

describe.runIf(netnsAvailable()).each(Object.keys(SCENARIOS))('scenario %s', (name) => {
  let scenario: Awaited<ReturnType<(typeof SCENARIOS)[keyof typeof SCENARIOS]>>;
  let findings: Finding[];

  beforeAll(async () => {
    scenario = await SCENARIOS[name as keyof typeof SCENARIOS]();
    const out = tempDir();
    const c = await runCli(['collect', '--out', out, '--case', name, '--json'], { netns: scenario.lab.victim });
    expect(c.exitCode, c.stderr).toBe(0);
    const dir = JSON.parse(c.stdout).evidenceDir;
    const a = await runCli(['analyze', dir, '--json']);
    expect(a.exitCode, a.stderr).toBe(0);
    expect(JSON.parse(a.stdout).counts.unparsedLines).toBe(0);
    findings = JSON.parse(readFileSync(join(dir, 'findings.json'), 'utf8'));
  });
  afterAll(() => scenario?.lab.cleanup());

  it('finds what an examiner must see, with evidence references', () => {
    for (const e of scenario.expect as { rule: string; pid?: number; minSeverity: Severity }[]) {
      const hit = findings.find((f) => f.rule === e.rule && (e.pid === undefined || f.pid === e.pid));
      expect(hit, `${e.rule}${e.pid ? ` on pid ${e.pid}` : ''} in ${findings.map((f) => `${f.rule}/${f.pid}`).join(', ')}`).toBeDefined();
      expect(atLeast(hit!.severity, e.minSeverity), `${e.rule} severity ${hit!.severity}`).toBe(true);
      expect(hit!.refs.length).toBeGreaterThan(0);
      expect(hit!.refs[0].artifact).toMatch(/^raw\//);
      expect(hit!.attack.length + hit!.references.length).toBeGreaterThan(0);
    }
  });

  it('raises nothing high or critical on the benign services', () => {
    const p = scenario.pids as Record<string, number>;
    const benign = new Set([p.sshd, p.nginx, p.postgres, p.app, p.resolver]);
    const bad = findings.filter((f) => f.pid != null && benign.has(f.pid) && atLeast(f.severity, 'high'));
    expect(bad.map((f) => `${f.rule} ${f.process} ${f.severity}`)).toEqual([]);
  });
});

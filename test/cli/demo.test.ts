// Class scenarios end to end without root or network: every scenario yields a bundle that verify
// accepts and a report that shows the expected findings.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Finding, Severity } from '../../src/model.js';
import { SEVERITIES } from '../../src/model.js';
import { listScenarios } from '../../src/pipeline/demo.js';
import { runCli, tempDir } from '../helpers/cli.js';

const scenarios = listScenarios();
const home = tempDir('nc-home-');
const atLeast = (s: Severity, min: Severity) => SEVERITIES.indexOf(s) >= SEVERITIES.indexOf(min);

describe('demo', () => {
  it('lists at least the Windows backdoor, a Linux reverse shell and a route manipulation', async () => {
    const r = await runCli(['demo', '--list']);
    expect(r.exitCode).toBe(0);
    for (const name of ['windows-srss-backdoor', 'linux-reverse-shell', 'linux-route-manipulation']) expect(r.stdout).toContain(name);
  });

  it.each(scenarios.map((s) => s.name))('%s: signed bundle, verified, expected findings in the report', async (name) => {
    const scenario = scenarios.find((s) => s.name === name)!;
    const r = await runCli(['demo', '--scenario', name, '--out', tempDir(), '--json', '--examiner', 'Instructor'], { env: { NETCUSTODY_HOME: home } });
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.counts.unparsedLines).toBe(0);
    const findings: Finding[] = JSON.parse(readFileSync(`${out.evidenceDir}/findings.json`, 'utf8'));
    const text = execFileSync('pdftotext', ['-layout', out.report, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    for (const e of scenario.expected) {
      const hit = findings.find((f) => f.rule === e.rule && (e.pid === undefined || f.pid === e.pid));
      expect(hit, `${e.rule} ${e.pid ?? ''}`).toBeDefined();
      expect(atLeast(hit!.severity, e.minSeverity)).toBe(true);
      expect(text).toContain(e.rule);
    }
    const benign = new Set(scenario.benignPids ?? []);
    expect(findings.filter((f) => f.pid != null && benign.has(f.pid) && atLeast(f.severity, 'high')).map((f) => `${f.rule}/${f.process}`)).toEqual([]);
    const v = await runCli(['verify', out.bundle, '--json']);
    expect(v.exitCode, v.stdout).toBe(0);
    expect(JSON.parse(v.stdout).ok).toBe(true);
  });

  it('--exercise leaves the findings to the students and writes an instructor key', async () => {
    const r = await runCli(['demo', '--scenario', 'windows-srss-backdoor', '--exercise', '--out', tempDir(), '--json'], { env: { NETCUSTODY_HOME: home } });
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(JSON.parse(readFileSync(`${out.evidenceDir}/findings.json`, 'utf8'))).toEqual([]);
    // Marked rows would give the answer away too.
    expect(JSON.parse(readFileSync(`${out.evidenceDir}/parsed/finding-marks.json`, 'utf8'))).toEqual({ connections: [], routes: [] });
    const text = execFileSync('pdftotext', [out.report, '-'], { encoding: 'utf8' });
    expect(text).not.toContain('NET-BACKDOOR-PORT');
    expect(text).not.toMatch(/\bF-\d{4}\b/);
    expect(text).toContain('srss.exe'); // the evidence itself is all there
    const key = readFileSync(out.instructorKey, 'utf8');
    expect(key).toContain('NET-BACKDOOR-PORT');
    expect(key).toMatch(/raw\/01-import-netstat-anob\.txt:\d+/);
    expect((await runCli(['verify', out.bundle])).exitCode).toBe(0);
  });
});

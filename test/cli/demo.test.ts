// Class scenarios end to end without root or network: every scenario yields a bundle that verify
// accepts and a report that shows the expected leads; the benign busy hosts raise no lead above low.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model.js';
import type { Lead } from '../../src/analyze/index.js';
import { SEVERITIES } from '../../src/model.js';
import { findExpectedLead, listScenarios, unexpectedLeads } from '../../src/pipeline/demo.js';
import { runCli, tempDir } from '../helpers/cli.js';

const scenarios = listScenarios();
const home = tempDir('nc-home-');

describe('demo', () => {
  it('lists the Windows backdoor, a Linux reverse shell, a route manipulation and two benign busy hosts', async () => {
    const r = await runCli(['demo', '--list']);
    expect(r.exitCode).toBe(0);
    for (const name of ['windows-srss-backdoor', 'linux-reverse-shell', 'linux-route-manipulation', 'windows-benign-busy', 'linux-benign-busy']) expect(r.stdout).toContain(name);
    // A benign host: no lead may be rated above low.
    for (const name of ['windows-benign-busy', 'linux-benign-busy']) {
      const s = scenarios.find((x) => x.name === name)!;
      expect([s.expectedLeads, s.otherLeadsAtMost]).toEqual([[], 'low']);
    }
  });

  it.each(scenarios.map((s) => s.name))('%s: signed bundle, verified, expected leads in leads.json and the report', async (name) => {
    const scenario = scenarios.find((s) => s.name === name)!;
    const r = await runCli(['demo', '--scenario', name, '--out', tempDir(), '--json', '--examiner', 'Instructor'], { env: { NETCUSTODY_HOME: home } });
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.counts.unparsedLines).toBe(0);
    const findings: Finding[] = JSON.parse(readFileSync(`${out.evidenceDir}/findings.json`, 'utf8'));
    const leads: Lead[] = JSON.parse(readFileSync(`${out.evidenceDir}/leads.json`, 'utf8'));
    const text = execFileSync('pdftotext', ['-layout', out.report, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    // A deleted executable is marked once ("/dev/shm/.x/kw (deleted)"), not twice.
    expect(text.replace(/\s+/g, ' ')).not.toContain('(deleted) (deleted)');
    if (name === 'linux-reverse-shell') expect(text).toContain('/dev/shm/.x/kw (deleted)');
    // Every finding is in exactly one lead.
    expect(leads.flatMap((l) => l.findings).sort()).toEqual(findings.map((f) => f.id).sort());
    for (const e of scenario.expectedLeads) {
      const lead = findExpectedLead(e, leads);
      expect(lead, `${e.process ?? e.kind} ${e.pid ?? ''} ${e.rules.join(',')}`).not.toBeNull();
      expect(lead!.severity, `${lead!.id} ${lead!.subject}`).toBe(e.severity);
      expect(text).toContain(`Lead ${lead!.id}`);
      for (const rule of e.rules) expect(text).toContain(rule);
    }
    expect(unexpectedLeads(scenario, leads).map((l) => `${l.severity} ${l.subject} ${l.rules.join(',')}`)).toEqual([]);
    // --json counts leads per severity, as the report's summary does.
    const counts = Object.fromEntries(SEVERITIES.map((s) => [s, leads.filter((l) => !l.suppressed && l.severity === s).length]));
    expect(out.leads).toEqual(counts);
    const v = await runCli(['verify', out.bundle, '--json']);
    expect(v.exitCode, v.stdout).toBe(0);
    expect(JSON.parse(v.stdout).ok).toBe(true);
  });

  it('windows-srss-backdoor: the summary page says in plain words who listens on 1337 and who is connected', async () => {
    const r = await runCli(['demo', '--scenario', 'windows-srss-backdoor', '--out', tempDir(), '--json', '--examiner', 'Instructor'], { env: { NETCUSTODY_HOME: home } });
    expect(r.exitCode, r.stderr).toBe(0);
    const pages = execFileSync('pdftotext', [JSON.parse(r.stdout).report, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 }).split('\f');
    const page = pages.find((p) => /^1 Executive summary$/m.test(p))!.replace(/\s+/g, ' ');
    expect(page).toContain('A program named "srss.exe" (process number 1256) was running on WS-ACCT-07');
    expect(page).toContain('listening for connections on TCP port 1337');
    expect(page).toMatch(/The computer at 203\.0\.113\.66 \(its port 49812\) had an established \(open\) connection to this listener on TCP port 1337/);
    expect(page).toContain('“listening” means that a program waits for other computers to connect to it');
    expect(page).toContain('Not shown in the evidence: its program file');
    expect(page).toMatch(/How sure: the host's own output of "netstat -anob"/);
    // Counts are of leads: srss.exe is one critical lead, not one per rule.
    expect(page).toMatch(/4 leads, made of 5 findings/);
    // No rule ids or ATT&CK ids on the page a judge reads first.
    expect(page).not.toMatch(/\b(NET|PROC|ROUTE|XSRC|BASE)-[A-Z]+|\bT1\d{3}\b/);
  });

  it('--exercise leaves the findings to the students and writes an instructor key', async () => {
    const r = await runCli(['demo', '--scenario', 'windows-srss-backdoor', '--exercise', '--out', tempDir(), '--json'], { env: { NETCUSTODY_HOME: home } });
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(JSON.parse(readFileSync(`${out.evidenceDir}/findings.json`, 'utf8'))).toEqual([]);
    expect(JSON.parse(readFileSync(`${out.evidenceDir}/leads.json`, 'utf8'))).toEqual([]);
    // Marked rows would give the answer away too.
    expect(JSON.parse(readFileSync(`${out.evidenceDir}/parsed/finding-marks.json`, 'utf8'))).toEqual({ connections: [], routes: [] });
    const text = execFileSync('pdftotext', [out.report, '-'], { encoding: 'utf8' });
    expect(text).not.toContain('NET-BACKDOOR-PORT');
    expect(text).not.toMatch(/\bF-\d{4}\b/);
    expect(text).toContain('srss.exe'); // the evidence itself is all there
    const key = readFileSync(out.instructorKey, 'utf8');
    expect(key).toContain('NET-BACKDOOR-PORT');
    expect(key).toMatch(/raw\/01-import-netstat-anob\.txt:\d+/);
    expect(key).toMatch(/### CRITICAL: srss\.exe \(PID 1256\)[^\n]*\n\n[^\n]*\n\n[^\n]*\n\nThe analyzer's L-001, rated critical/);
    expect((await runCli(['verify', out.bundle])).exitCode).toBe(0);
  });
});

// `netcustody run`: the whole job on a host (a namespace with known sockets), as a user runs it.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { netnsAvailable } from '../lab/netns.mjs';
import { bindShellScenario } from '../lab/scenarios.mjs';
import { runCli, tempDir } from '../helpers/cli.js';

describe.runIf(netnsAvailable())('run on a host with a bind shell', () => {
  let scenario: Awaited<ReturnType<typeof bindShellScenario>>;
  let json: Record<string, any>;
  let stderr: string;
  const home = tempDir('nc-home-');

  beforeAll(async () => {
    scenario = await bindShellScenario();
    const r = await runCli(['run', '--out', tempDir(), '--case', 'RUN-1', '--examiner', 'Run Tester', '--json'], { netns: scenario.lab.victim, env: { NETCUSTODY_HOME: home } });
    expect(r.exitCode, r.stderr).toBe(0);
    stderr = r.stderr;
    json = JSON.parse(r.stdout); // stdout is one JSON object and nothing else
  });
  afterAll(() => scenario?.lab.cleanup());

  it('prints the contract on stdout', () => {
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['evidenceDir', 'bundle', 'report', 'counts', 'findings']));
    expect(json.counts.connections).toBeGreaterThan(20);
    expect(json.counts.unparsedLines).toBe(0);
    expect(json.findings.high + json.findings.critical).toBeGreaterThan(0);
    expect(existsSync(json.bundle)).toBe(true);
    expect(readFileSync(`${json.bundle}.sha256`, 'utf8')).toContain(json.bundleSha256);
  });

  it('reports progress per stage with durations on stderr', () => {
    for (const stage of ['collect', 'analyze', 'report', 'bundle']) expect(stderr).toMatch(new RegExp(`✓ ${stage} \\(\\d+\\.\\d s\\)`));
    expect(stderr).not.toMatch(/\u001b\[/); // not a terminal: no colours or cursor movement
  });

  it('produces a bundle that verify and standard tools accept', async () => {
    const v = await runCli(['verify', json.bundle]);
    expect(v.exitCode, v.stdout + v.stderr).toBe(0);
    expect(v.stdout).toMatch(/PASS/);
    execFileSync('unzip', ['-tq', json.bundle]);
    const text = execFileSync('pdftotext', [json.report, '-'], { encoding: 'utf8' });
    expect(text).toContain('srss.exe');
    expect(text).toContain('NET-BACKDOOR-PORT');
    expect(execFileSync('pdfsig', [json.report], { encoding: 'utf8' })).toContain('Signature is Valid');
  });
});

describe.runIf(netnsAvailable())('run starts the examiner\'s browser only after the capture', () => {
  let scenario: Awaited<ReturnType<typeof bindShellScenario>>;
  let json: Record<string, any>;

  beforeAll(async () => {
    scenario = await bindShellScenario();
    const r = await runCli(['run', '--out', tempDir(), '--case', 'RUN-2', '--examiner', 'Run Tester', '--json', '--quiet'], { netns: scenario.lab.victim, env: { NETCUSTODY_HOME: tempDir('nc-home-') } });
    expect(r.exitCode, r.stderr).toBe(0);
    json = JSON.parse(r.stdout);
  });
  afterAll(() => scenario?.lab.cleanup());

  it('no socket table, process list or file listing of the capture names Chromium', () => {
    // The browser runs in the run's own namespace: had it started during the capture, its UNIX
    // sockets (netstat -anp, ss -p, lsof) would carry its name.
    const raw = join(json.evidenceDir, 'raw');
    const outputs = readdirSync(raw).filter((f) => !f.endsWith('.stderr'));
    expect(outputs.length).toBeGreaterThan(3);
    for (const f of outputs) expect(readFileSync(join(raw, f), 'latin1'), f).not.toMatch(/chrom|headless/i);
  });

  it('the custody log records the browser started after the last capture command ended', () => {
    const acq = JSON.parse(readFileSync(join(json.evidenceDir, 'acquisition.json'), 'utf8')) as { captureWindow: { end: string } };
    const events = readFileSync(join(json.evidenceDir, 'custody.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const published = events.find((e) => e.action === 'report published');
    expect(published.details.browser).toMatch(/Chrome\/\d+\./);
    expect(Date.parse(published.details.browserStarted)).toBeGreaterThanOrEqual(Date.parse(acq.captureWindow.end));
    // The version the report names is the browser's, filled in after the HTML was drafted.
    const html = readFileSync(join(json.evidenceDir, 'report', 'report.html'), 'utf8');
    expect(html).toContain(`<td>${published.details.browser}</td>`);
    expect(html).not.toMatch(/chromium-version-/);
  });

  it('ends with no browser left running in the namespace', () => {
    const pids = execFileSync('ip', ['netns', 'pids', scenario.lab.victim], { encoding: 'utf8' }).split('\n').filter(Boolean);
    const comms = pids.map((pid) => { try { return readFileSync(`/proc/${pid}/comm`, 'utf8').trim(); } catch { return ''; } });
    expect(comms.filter((c) => /chrom|headless/i.test(c))).toEqual([]);
  });
});

describe('terminal experience', () => {
  it('has help with real examples for every command', async () => {
    for (const cmd of ['run', 'collect', 'import', 'analyze', 'report', 'bundle', 'verify', 'demo']) {
      const r = await runCli([cmd, '--help']);
      expect(r.exitCode, cmd).toBe(0);
      expect(r.stdout, cmd).toMatch(/Examples:\n\s+(sudo )?(NETCUSTODY_\S+ )?netcustody /);
    }
    const top = await runCli(['--help']);
    for (const cmd of ['run', 'collect', 'import', 'analyze', 'report', 'bundle', 'verify', 'demo']) expect(top.stdout).toContain(cmd);
  });

  it('answers usage errors with exit 2 and one line, never a stack trace', async () => {
    const r = await runCli(['analyze']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/error: missing required argument 'dir'/);
    const bad = await runCli(['analyze', '/nonexistent/folder']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr.trim().split('\n')[0]).toMatch(/^netcustody: error: .*acquisition\.json/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});

// `netcustody run`: the whole job on a host (a namespace with known sockets), as a user runs it.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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

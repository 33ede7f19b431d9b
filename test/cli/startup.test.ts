// Commands load only their own pipeline stage: `collect` must start capturing without first loading
// the report, signing and zip libraries (the sooner the capture, the less the host has changed).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI, REPO, runCli, tempDir } from '../helpers/cli.js';

const HEAVY = ['puppeteer', 'puppeteer-core', 'handlebars', 'archiver', 'node-forge', 'yauzl'];

interface Loaded { at: number; url: string }

async function modulesLoadedBy(args: string[]): Promise<string[]> {
  return (await modulesWithTimes(args)).map((m) => m.url);
}

async function modulesWithTimes(args: string[]): Promise<Loaded[]> {
  const log = join(tempDir('nc-modules-'), 'modules.txt');
  const r = await execa(process.execPath, ['--import', join(REPO, 'test/helpers/record-modules.mjs'), CLI, ...args], {
    reject: false, stdin: 'ignore', env: { NC_MODULE_LOG: log, NO_COLOR: '1' },
  });
  expect(r.exitCode, r.stderr).toBe(0);
  return readFileSync(log, 'utf8').split('\n').filter(Boolean).map((line) => {
    const space = line.indexOf(' ');
    return { at: Number(line.slice(0, space)), url: line.slice(space + 1) };
  });
}

const packagesIn = (urls: string[]) => HEAVY.filter((p) => urls.some((u) => u.includes(`/node_modules/${p}/`)));

describe('command start-up', () => {
  it('--help and --version load no pipeline stage', async () => {
    for (const args of [['--help'], ['--version'], ['collect', '--help']]) {
      const urls = await modulesLoadedBy(args);
      expect(urls.some((u) => u.endsWith('/dist/cli/main.js'))).toBe(true);
      expect(urls.filter((u) => /\/dist\/(collect|parse|analyze|report|bundle|signing)\/|\/dist\/pipeline\/(run|demo|analyze|baseline)\.js/.test(u))).toEqual([]);
      expect(packagesIn(urls)).toEqual([]);
    }
  });

  it('a command loads only its own command module: analyze none of the other commands\' options; --version no command at all', async () => {
    const work = tempDir('nc-startup-');
    const imp = await runCli(['import', join(REPO, 'fixtures/linux/netstat-anp.txt'), '--command', 'netstat -anp', '--os', 'linux', '--out', work, '--case', 'startup', '--examiner', 'T', '--json', '--quiet']);
    expect(imp.exitCode, imp.stderr).toBe(0);
    const dir = (JSON.parse(imp.stdout) as { evidenceDir: string }).evidenceDir;
    const commandModules = (urls: string[]) => [...new Set(urls)].filter((u) => /\/dist\/cli\//.test(u)).map((u) => u.replace(/.*\/dist\/cli\//, '')).sort();
    const analyze = await modulesLoadedBy(['analyze', dir, '--quiet']);
    expect(commandModules(analyze)).toEqual(['analyze.js', 'common.js', 'findings-table.js', 'main.js']);
    expect(analyze.filter((u) => /\/dist\/(collect|report|bundle|signing|case|timestamp)\//.test(u))).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, 'leads.json'), 'utf8')).length).toBeGreaterThan(0);
    expect(commandModules(await modulesLoadedBy(['--version']))).toEqual(['common.js', 'main.js']);
    // Help and an unknown name still know every command (the list, the suggestion).
    const help = await runCli(['--help']);
    for (const name of ['run', 'collect', 'import', 'analyze', 'report', 'bundle', 'verify', 'trust', 'timestamp', 'demo', 'kit', 'case']) expect(help.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    const typo = await runCli(['anlyze', dir]);
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr).toContain('(Did you mean analyze?)');
  });

  it('run loads the report, signing and zip libraries only after the capture; verify only the zip reader', async () => {
    const out = tempDir('nc-startup-');
    const loaded = await modulesWithTimes(['run', '--out', out, '--case', 'startup', '--examiner', 'Test', '--quiet']);
    const caseDir = readdirSync(join(out, 'startup')).find((name) => !name.includes('.'))!;
    const acq = JSON.parse(readFileSync(join(out, 'startup', caseDir, 'acquisition.json'), 'utf8')) as { captureWindow: { end: string } };
    const heavy = loaded.filter((m) => HEAVY.some((p) => m.url.includes(`/node_modules/${p}/`)));
    expect(heavy.length).toBeGreaterThan(0);
    expect(Math.min(...heavy.map((m) => m.at))).toBeGreaterThanOrEqual(Date.parse(acq.captureWindow.end));
    // Puppeteer attaches through puppeteer-core's CDP connector: its API, launcher and configuration
    // reader (~0.2 s of CPU while Chromium starts) are not loaded (test/report/browser-connect.test.ts).
    expect(loaded.some((m) => m.url.endsWith('/node_modules/puppeteer-core/lib/esm/puppeteer/cdp/BrowserConnector.js'))).toBe(true);
    expect(loaded.filter((m) => /\/node_modules\/(puppeteer|@puppeteer\/browsers|cosmiconfig)\/|\/puppeteer-core\/lib\/esm\/puppeteer\/node\//.test(m.url))).toEqual([]);
    // verify of that bundle reads zips and checks signatures: no zip writer, no signing library.
    const zip = readdirSync(join(out, 'startup')).find((name) => name.endsWith('.zip'))!;
    const verifyUrls = await modulesLoadedBy(['verify', join(out, 'startup', zip), '--quiet']);
    expect(verifyUrls.some((u) => u.includes('/dist/bundle/verify.js'))).toBe(true);
    expect(packagesIn(verifyUrls)).toEqual(['yauzl']);
  }, 120_000);

  it('collect loads the collector but none of the report, signing or zip libraries', async () => {
    const out = tempDir('nc-startup-');
    const urls = await modulesLoadedBy(['collect', '--out', out, '--case', 'startup', '--examiner', 'Test', '--quiet']);
    expect(urls.some((u) => u.includes('/dist/collect/'))).toBe(true);
    expect(packagesIn(urls)).toEqual([]);
  });
});

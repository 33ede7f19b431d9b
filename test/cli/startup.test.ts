// Commands load only their own pipeline stage: `collect` must start capturing without first loading
// the report, signing and zip libraries (the sooner the capture, the less the host has changed).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI, REPO, tempDir } from '../helpers/cli.js';

const HEAVY = ['puppeteer', 'handlebars', 'archiver', 'node-forge', 'yauzl'];

async function modulesLoadedBy(args: string[]): Promise<string[]> {
  const log = join(tempDir('nc-modules-'), 'modules.txt');
  const r = await execa(process.execPath, ['--import', join(REPO, 'test/helpers/record-modules.mjs'), CLI, ...args], {
    reject: false, stdin: 'ignore', env: { NC_MODULE_LOG: log, NO_COLOR: '1' },
  });
  expect(r.exitCode, r.stderr).toBe(0);
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
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

  it('collect loads the collector but none of the report, signing or zip libraries', async () => {
    const out = tempDir('nc-startup-');
    const urls = await modulesLoadedBy(['collect', '--out', out, '--case', 'startup', '--examiner', 'Test', '--quiet']);
    expect(urls.some((u) => u.includes('/dist/collect/'))).toBe(true);
    expect(packagesIn(urls)).toEqual([]);
  });
});

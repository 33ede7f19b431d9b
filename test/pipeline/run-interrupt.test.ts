// Ctrl-C or SIGTERM once `run` has captured the host: the stage running ends with whole outputs, no
// later stage starts, the browser and its profile are gone, exit 130 with the commands that finish
// the job — and those commands then give a bundle that verifies.
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI, runCli, tempDir } from '../helpers/cli.js';
import { processesNaming } from '../helpers/processes.js';

function evidenceDir(caseDir: string): string | null {
  if (!existsSync(caseDir)) return null;
  const name = readdirSync(caseDir).find((n) => !n.includes('.'));
  return name ? join(caseDir, name) : null;
}

describe('run interrupted after the capture', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} during the report: no bundle, no browser left, exit 130, and the hinted commands finish the job`, async () => {
      const out = tempDir('nc-run-interrupt-');
      const tmp = join(out, 'tmp');
      mkdirSync(tmp);
      const env = { ...process.env, NETCUSTODY_HOME: join(out, 'home'), TMPDIR: tmp, NO_COLOR: '1' };
      const caseDir = join(out, 'stop');
      const child = execa(process.execPath, [CLI, 'run', '--out', out, '--case', 'stop', '--examiner', 'T', '--quiet'], { env, reject: false, stdin: 'ignore' });
      // The analysis is logged: the report stage (browser, HTML, print) takes a good part of a second.
      await expect.poll(() => {
        const dir = evidenceDir(caseDir);
        return dir !== null && existsSync(join(dir, 'custody.jsonl')) && readFileSync(join(dir, 'custody.jsonl'), 'utf8').includes('"findings written"');
      }, { timeout: 60_000, interval: 10 }).toBe(true);
      child.kill(signal);
      const r = await child;
      expect(r.exitCode, r.stderr).toBe(130);
      const dir = evidenceDir(caseDir)!;
      const lines = r.stderr.trim().split('\n');
      expect(lines[0]).toMatch(new RegExp(`^netcustody: error: interrupted after the capture; ${dir} holds the capture, its analysis`));
      expect(lines[1]).toMatch(/^hint: finish later with: /);
      expect(readdirSync(caseDir).filter((n) => n.endsWith('.zip'))).toEqual([]);
      // The browser's group was SIGKILLed before exit; the kernel ends it asynchronously (no time limit asserted).
      await expect.poll(() => processesNaming(tmp), { timeout: 30_000, interval: 50 }).toEqual([]);
      expect(readdirSync(tmp)).toEqual([]);
      // The hint's commands, as a user would type them.
      for (const command of lines[1].replace('hint: finish later with: ', '').split(' && ')) {
        const [, stage, folder] = command.split(' ');
        expect(folder).toBe(dir);
        const done = await runCli([stage, folder, '--quiet'], { env });
        expect(done.exitCode, done.stderr).toBe(0);
      }
      const zip = readdirSync(caseDir).find((n) => n.endsWith('.zip'))!;
      const verified = await runCli(['verify', join(caseDir, zip), '--quiet'], { env });
      expect(verified.exitCode, verified.stdout).toBe(0);
    }, 180_000);
  }
});

// The validation statement is generated, not written: re-running the corpus must give exactly the
// shipped fixtures/validation/validation.json (regenerate with `npm run validation`), and the
// package hash the report prints must be what the shell command in the report computes.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packageIdentity } from '../../src/report/tool-identity.js';
import { runValidation, SAMPLES_ROOT, VALIDATION_FILE } from '../../src/validation/corpus.js';
import type { ValidationData } from '../../src/validation/types.js';
import { REPO } from '../helpers/cli.js';

describe('tool validation data', () => {
  it('is current: the rules on the shipped scenarios and samples give the shipped file', { timeout: 120_000 }, async () => {
    const shipped = JSON.parse(readFileSync(VALIDATION_FILE, 'utf8')) as ValidationData;
    const now = await runValidation();
    const hint = 'fixtures/validation/validation.json is stale: run `npm run validation` and commit it';
    if (existsSync(SAMPLES_ROOT)) {
      expect(now, hint).toEqual(shipped);
    } else {
      // Without ../shared/samples only the scenario cases can be re-run here.
      expect(now.cases, hint).toEqual(shipped.cases.filter((c) => c.kind === 'scenario'));
    }
    expect(now.cases.filter((c) => c.kind === 'scenario').length).toBeGreaterThanOrEqual(4);
    for (const c of now.cases) expect(c.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256))).toBe(true);
  });

  it('gives every rule of the registry a line, with expected vs. got from the corpus', () => {
    const data = JSON.parse(readFileSync(VALIDATION_FILE, 'utf8')) as ValidationData;
    const backdoor = data.rules.find((r) => r.rule === 'NET-BACKDOOR-PORT')!;
    expect(backdoor).toMatchObject({ expectedCases: 3, detected: 3, missed: 0, status: 'validated' });
    const win = data.cases.find((c) => c.name === 'windows-srss-backdoor')!;
    expect(win.expected.find((e) => e.rule === 'NET-BACKDOOR-PORT')).toMatchObject({ pid: 1256, minSeverity: 'critical', got: 'critical', result: 'detected' });
    expect(data.limitations.join(' ')).toMatch(/\d+ of \d+ rules have an expected case/);
  });

  it('prints a package hash that the standard-tool command in the report reproduces', () => {
    const id = packageIdentity(REPO);
    const shell = execFileSync('sh', ['-c', id.command], { cwd: REPO, encoding: 'utf8' }).split(' ')[0];
    expect(id.sha256).toBe(shell);
    expect(id.files).toBeGreaterThan(50);
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
    expect(id.commit).toBe(head);
  });
});

// `netcustody case` refuses bad invocations with one line and the documented exit code.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

describe('netcustody case: usage errors', () => {
  const work = tempDir('nc-case-cli-');
  const env = { NETCUSTODY_HOME: join(work, 'home'), NETCUSTODY_EXAMINER: '' };

  it('needs --case and an examiner (exit 2), names a missing source (exit 2), refuses a non-evidence folder (exit 2)', async () => {
    const noCase = await runCli(['case', work, '--examiner', 'E'], { env });
    expect(noCase.exitCode).toBe(2);
    expect(noCase.stderr).toContain('no case id: give --case ID');
    const noExaminer = await runCli(['case', work, '--case', 'C'], { env });
    expect(noExaminer.exitCode).toBe(2);
    expect(noExaminer.stderr).toContain('no examiner named');
    const missing = await runCli(['case', join(work, 'nope'), '--case', 'C', '--examiner', 'E'], { env });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/nope: no such file or folder/);
    const empty = join(work, 'empty');
    mkdirSync(empty);
    const notEvidence = await runCli(['case', empty, '--case', 'C', '--examiner', 'E'], { env });
    expect(notEvidence.exitCode).toBe(2);
    expect(notEvidence.stderr).toContain('not an evidence folder (acquisition.json is missing)');
    for (const r of [noCase, missing, notEvidence]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a file that is not a zip as a failing bundle (exit 3), naming the check', async () => {
    const junk = join(work, 'junk.zip');
    writeFileSync(junk, 'not a zip at all');
    const r = await runCli(['case', junk, '--case', 'C', '--examiner', 'E'], { env });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/junk\.zip: refused: the bundle fails verification: zip-structure/);
  });
});

// A checkout in a folder only root can enter (a clone in /root, mode 0700): a test that runs the CLI
// as `nobody` must still work. runCli() gives such tests a copy that user can read (issue 11, item 16).
import { execa } from 'execa';
import { chmodSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';
import { makeReadableCopy } from '../helpers/readable-copy.js';

const NOBODY = { uid: 65534, gid: 65534, cwd: '/', reject: false, env: { HOME: '/nonexistent' } } as const;
const cleanup: string[] = [];
afterAll(() => {
  for (const d of cleanup.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('tests that drop privileges, from a checkout under a 0700 folder', () => {
  it('nobody cannot reach the checkout itself, but runs the readable copy made from it', async () => {
    // A stand-in for a clone in /root: the built CLI and its dependencies under a 0700 parent.
    const parent = mkdtempSync(join(tmpdir(), 'nc-private-'));
    cleanup.push(parent);
    const built = makeReadableCopy(REPO);
    const checkout = join(parent, 'netcustody');
    renameSync(built.dir, checkout);
    chmodSync(parent, 0o700);

    const direct = await execa(process.execPath, [join(checkout, 'dist/cli/main.js'), '--version'], NOBODY);
    expect(direct.exitCode).not.toBe(0);
    expect(direct.stderr).toMatch(/Cannot find module .*dist\/cli\/main\.js|EACCES/);

    const copy = makeReadableCopy(checkout);
    cleanup.push(copy.dir);
    const r = await execa(process.execPath, [copy.cli, '--version'], NOBODY);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});

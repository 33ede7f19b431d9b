// The zip is on disk before the custody log says it exists: a crash (power loss) after the
// "bundle created" line must not leave a log naming a zip whose bytes were still in the page cache.
// Watched with strace: the order of fsync and write calls as the kernel saw them.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli, tempDir } from '../helpers/cli.js';

describe('a bundle made durable before it is logged', () => {
  it('fsyncs the zip, its .sha256 and their folder before the "bundle created" custody line', async () => {
    const out = tempDir('nc-zip-durable-');
    const env = { ...process.env, NETCUSTODY_HOME: join(out, 'home') };
    const run = await runCli(['run', '--out', out, '--case', 'durable', '--examiner', 'T', '--json', '--quiet'], { env });
    expect(run.exitCode, run.stderr).toBe(0);
    const dir = (JSON.parse(run.stdout) as { evidenceDir: string }).evidenceDir;
    const bundles = join(out, 'again');
    const log = join(out, 'strace.txt');
    execFileSync('strace', ['-f', '-y', '-s', '200', '-e', 'trace=fsync,fdatasync,write,openat', '-o', log, process.execPath, CLI, 'bundle', dir, '--out', bundles, '--quiet'], { env, stdio: 'ignore' });
    const zip = readdirSync(bundles).find((n) => n.endsWith('.zip'))!;
    const lines = readFileSync(log, 'utf8').split('\n');
    const at = (test: (l: string) => boolean) => lines.findIndex(test);
    const zipSynced = at((l) => /\b(fsync|fdatasync)\(\d+<[^>]*\.zip>\)\s+= 0/.test(l) && l.includes(`/${zip}>`));
    const sumSynced = at((l) => /\bfsync\(\d+<[^>]*\.zip\.sha256>\)\s+= 0/.test(l));
    const folderSynced = at((l) => new RegExp(`\\bfsync\\(\\d+<${bundles}>\\)\\s+= 0`).test(l));
    const logged = at((l) => /\bwrite\(\d+<[^>]*custody\.jsonl>/.test(l) && l.includes('bundle created'));
    expect(zipSynced).toBeGreaterThan(-1);
    expect(sumSynced).toBeGreaterThan(zipSynced);
    expect(folderSynced).toBeGreaterThan(sumSynced);
    expect(logged).toBeGreaterThan(folderSynced);
  }, 120_000);
});

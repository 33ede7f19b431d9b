// The remote wrapper each SSH step runs: under dash, bash and busybox sh, with stdout and stderr
// on pipes as sshd gives them, the command's bytes pass unchanged, the trailer is the last line
// of stderr and is stripped exactly, and the target-side SHA-256 equals the hash of what arrived.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newMarker, splitTrailer, wrapperScript } from '../../src/collect/ssh/wrapper.js';
import type { ProfileStep } from '../../src/collect/profiles.js';

const have = (c: string) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0;
const shells = [['dash', 'dash -s'], ['bash', 'bash -s'], ['busybox', 'busybox sh -s']].filter(([c]) => have(c));
const dir = mkdtempSync(join(tmpdir(), 'nc-wrap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Run a wrapper with stdout and stderr on pipes (not Node's sockets), as sshd runs it. */
function runWrapper(shell: string, script: string) {
  writeFileSync(join(dir, 'in.sh'), script);
  const { status } = spawnSync('sh', ['-c', `{ ${shell} <"$1/in.sh" 2>&1 1>&3 | cat >"$1/err"; } 3>&1 | cat >"$1/out"`, 'sh', dir]);
  return { status, stdout: readFileSync(join(dir, 'out')), stderr: readFileSync(join(dir, 'err')) };
}

const tricky: ProfileStep = { id: 't', kind: 'command', description: '', argv: ['sh', '-c', "printf 'a\\000b\\377 %%s\\n' x; printf 'warn\\nno newline' >&2; exit 3"] };

describe.each(shells)('wrapper under %s', (_name, shell) => {
  it('passes exact bytes, strips the trailer exactly and reports the exit code and both remote hashes', () => {
    const marker = newMarker();
    const r = runWrapper(shell, wrapperScript(tricky, { marker, timeoutS: 10 }));
    expect(r.status).toBe(0); // the pipeline's last cat
    expect(r.stdout).toEqual(Buffer.from('a\u0000b\u00ff %s\n', 'latin1'));
    const { body, trailer } = splitTrailer(r.stderr, marker);
    expect(body.toString()).toBe('warn\nno newline');
    expect(trailer).toMatchObject({ missing: false, rc: 3, out: sha(r.stdout), err: sha(body), hashTool: 'sha256sum', timeout: true });
  });

  it('says when the command or the file is missing on the target', () => {
    const marker = newMarker();
    for (const step of [{ id: 'm', kind: 'command', description: '', argv: ['no-such-netstat'] }, { id: 'f', kind: 'file', description: '', argv: ['/proc/net/no-such'] }] as ProfileStep[]) {
      const { trailer } = splitTrailer(runWrapper(shell, wrapperScript(step, { marker, timeoutS: 5 })).stderr, marker);
      expect(trailer?.missing, step.id).toBe(true);
    }
  });

  it('ends a hanging command with the target\'s timeout (exit 124) and keeps its output', () => {
    const marker = newMarker();
    const hang: ProfileStep = { id: 'h', kind: 'command', description: '', argv: ['sh', '-c', 'echo started; exec sleep 60'] };
    const r = runWrapper(shell, wrapperScript(hang, { marker, timeoutS: 1 }));
    expect(r.stdout.toString()).toBe('started\n');
    expect(splitTrailer(r.stderr, marker).trailer).toMatchObject({ rc: 124, timeout: true, out: sha(r.stdout) });
  });
});

it('a trailer that is not at the very end, or has another marker, is not stripped', () => {
  const m = newMarker();
  const line = `${m} rc=0 out=- err=- hash=none timeout=0 ${m}\n`;
  expect(splitTrailer(Buffer.from(`${line}more`), m).trailer).toBeNull();
  expect(splitTrailer(Buffer.from(line), newMarker()).trailer).toBeNull();
  expect(execFileSync('sh', ['-c', 'echo ok']).toString()).toBe('ok\n');
});

// A target without sha256sum: macOS has shasum, others only openssl. Each prints the stream's name
// (/dev/stdin, /dev/fd/0) in its own way; the wrapper must still tell stdout's hash from stderr's.
describe.each([['shasum', 'shasum'], ['openssl', 'openssl']].filter(([c]) => have(c)))('wrapper with only %s', (tool) => {
  it('reports both remote hashes of the exact bytes', () => {
    const bin = join(dir, `bin-${tool}`);
    execFileSync('mkdir', ['-p', bin]);
    for (const c of [tool, 'tee', 'timeout', 'cat', 'sh', 'dash', 'perl']) {
      const p = spawnSync('sh', ['-c', `command -v ${c}`]).stdout.toString().trim();
      if (p) execFileSync('ln', ['-sf', p, join(bin, c)]);
    }
    const marker = newMarker();
    const script = `PATH=${bin}; export PATH\n${wrapperScript(tricky, { marker, timeoutS: 10 })}`;
    const r = runWrapper('dash -s', script);
    const { body, trailer } = splitTrailer(r.stderr, marker);
    expect(body.toString()).toBe('warn\nno newline');
    expect(trailer).toMatchObject({ rc: 3, out: sha(r.stdout), err: sha(body), hashTool: tool, timeout: true });
  });
});

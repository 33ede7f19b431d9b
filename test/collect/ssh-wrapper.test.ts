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

  it('a file step is read by the stdout tee itself (no cat): the file\'s exact bytes, marker-like lines included, and their remote hash', () => {
    const marker = newMarker();
    const file = join(dir, `proc-like-${_name}`);
    // Hostile text: a fake trailer with the real marker's prefix, NUL and high bytes, no final newline.
    const bytes = Buffer.concat([Buffer.from(`sl local\nNCTRAILER rc=0 out=${'0'.repeat(64)} err=- hash=x timeout=1 NCTRAILER\n`), Buffer.from([0, 255, 10]), Buffer.from('end')]);
    writeFileSync(file, bytes);
    const script = wrapperScript({ id: 'f', kind: 'file', description: '', argv: [file] }, { marker, timeoutS: 10 });
    expect(script).not.toMatch(/\$nc_t cat .*\| tee/);
    const r = runWrapper(shell, script);
    expect(r.stdout).toEqual(bytes);
    const { body, trailer } = splitTrailer(r.stderr, marker);
    expect(body.length).toBe(0);
    expect(trailer).toMatchObject({ missing: false, rc: 0, out: sha(bytes), err: sha(Buffer.alloc(0)), hashTool: 'sha256sum', timeout: true });
  });

  it('a file step that cannot be read reports the reader\'s error on stderr, hashed, with a non-zero exit', () => {
    const marker = newMarker();
    // A directory exists ([ -e ] passes) but cannot be read as a file.
    const r = runWrapper(shell, wrapperScript({ id: 'd', kind: 'file', description: '', argv: [dir] }, { marker, timeoutS: 10 }));
    expect(r.stdout.length).toBe(0);
    const { body, trailer } = splitTrailer(r.stderr, marker);
    expect(body.toString()).toMatch(/directory/i);
    expect(trailer?.rc).not.toBe(0);
    expect(trailer).toMatchObject({ missing: false, out: sha(r.stdout), err: sha(body) });
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
    // A file step (read by tee itself) with the same tool.
    writeFileSync(join(dir, 'f.txt'), 'sl  local_address\n0: 0100007F:0016\n');
    const f = runWrapper('dash -s', `PATH=${bin}; export PATH\n${wrapperScript({ id: 'f', kind: 'file', description: '', argv: [join(dir, 'f.txt')] }, { marker, timeoutS: 10 })}`);
    expect(f.stdout.toString()).toBe('sl  local_address\n0: 0100007F:0016\n');
    expect(splitTrailer(f.stderr, marker).trailer).toMatchObject({ rc: 0, out: sha(f.stdout), err: sha(Buffer.alloc(0)), hashTool: tool });
  });
});

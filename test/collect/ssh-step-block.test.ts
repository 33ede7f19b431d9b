// A session step (step-block.ts) under each shell a target may have, with stdout and stderr on
// pipes as sshd gives them: the two streams, split at the frames in chunks of every size and with
// each stream's last bytes held back, give the command's exact bytes, its exit code and both
// remote hashes — for sha256sum, shasum and openssl.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FrameSplitter } from '../../src/collect/ssh/frames.js';
import { hashLineAtEnd, stepBlock, TailHold } from '../../src/collect/ssh/step-block.js';
import { newMarker } from '../../src/collect/ssh/wrapper.js';
import type { ProfileStep } from '../../src/collect/profiles.js';

const have = (c: string) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0;
const shells = [['dash', 'dash -s'], ['bash', 'bash -s'], ['busybox', 'busybox sh -s']].filter(([c]) => have(c));
const dir = mkdtempSync(join(tmpdir(), 'nc-block-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

// Output that ends like a hash line, without a final newline on stderr, and a non-zero exit.
const tricky: ProfileStep = { id: 't', kind: 'command', description: '', argv: ['sh', '-c', `printf 'a\\000b\\377\\n%s  /dev/stdin\\n' ${'0'.repeat(64)}; printf 'warn\\nno newline' >&2; exit 3`] };

/** Run one session step; split both streams as session.ts does, in chunks of `chunk` bytes. */
function runStep(shell: string, step: ProfileStep, chunk: number, pathPrefix = '', timeoutS = 10) {
  const marker = newMarker();
  writeFileSync(join(dir, 'in.sh'), `${pathPrefix}LC_ALL=C; export LC_ALL\nnc_m=${marker}\n${stepBlock(step, 1, { marker, timeoutS })}`);
  spawnSync('sh', ['-c', `{ ${shell} <"$1/in.sh" 2>&1 1>&3 | cat >"$1/err"; } 3>&1 | cat >"$1/out"`, 'sh', dir]);
  const got = { out: [] as Buffer[], err: [] as Buffer[], frames: [] as string[][] };
  const out = new TailHold({ write: (b) => got.out.push(Buffer.from(b)) });
  const err = new TailHold({ write: (b) => got.err.push(Buffer.from(b)) });
  let inOut = false;
  let inErr = false;
  const so = new FrameSplitter(marker, (b) => inOut && out.write(b), (f) => { got.frames.push(f); inOut = f[0] === 'S'; });
  const se = new FrameSplitter(marker, (b) => inErr && err.write(b), (f) => { got.frames.push(f); if (f[0] === 's') inErr = true; if (f[0] === 't' || f[0].includes('=')) inErr = false; });
  for (const [s, file] of [[so, 'out'], [se, 'err']] as const) {
    const bytes = readFileSync(join(dir, file));
    for (let i = 0; i < bytes.length; i += chunk) s.push(bytes.subarray(i, i + chunk));
    s.end();
  }
  const field = (k: string) => got.frames.find((f) => f[0] === k);
  const t = field('t')!;
  const tool = t?.find((x) => x.startsWith('hash='))?.slice(5) ?? null;
  const outSha = out.end(tool, Number(field('o')?.[1]));
  const errSha = err.end(tool, Number(t?.find((x) => x.startsWith('he='))?.slice(3)));
  return { stdout: Buffer.concat(got.out), stderr: Buffer.concat(got.err), rc: Number(field('r')?.[1]), outSha, errSha, tool, frames: got.frames };
}

describe.each(shells)('a session step under %s', (_name, shell) => {
  it('gives the exact bytes, the exit code and both remote hashes, whatever the chunk size', () => {
    for (const chunk of [1, 7, 64, 100000]) {
      const r = runStep(shell, tricky, chunk);
      expect(r.stdout.toString('latin1'), `chunk ${chunk}`).toBe(`a\u0000b\u00ff\n${'0'.repeat(64)}  /dev/stdin\n`);
      expect(r.stderr.toString()).toBe('warn\nno newline');
      expect(r).toMatchObject({ rc: 3, outSha: sha(r.stdout), errSha: sha(r.stderr), tool: 'sha256sum' });
    }
  });

  it('ends a hanging command with the target\'s timeout (exit 124), its output and hashes kept', () => {
    const hang: ProfileStep = { id: 'h', kind: 'command', description: '', argv: ['sh', '-c', 'echo started; exec sleep 60'] };
    const r = runStep(shell, hang, 4096, '', 1);
    expect(r.stdout.toString()).toBe('started\n');
    expect(r).toMatchObject({ rc: 124, outSha: sha(r.stdout), errSha: sha(Buffer.alloc(0)) });
  });
});

describe.each([['shasum'], ['openssl']].filter(([c]) => have(c)))('a session step with only %s', (tool) => {
  it('gives both remote hashes of the exact bytes', () => {
    const bin = join(dir, `bin-${tool}`);
    mkdirSync(bin, { recursive: true });
    for (const c of [tool, 'tee', 'timeout', 'sh', 'dash', 'perl', 'printf']) {
      const p = spawnSync('sh', ['-c', `command -v ${c}`]).stdout.toString().trim();
      if (p.startsWith('/')) execFileSync('ln', ['-sf', p, join(bin, c)]);
    }
    const r = runStep('dash -s', tricky, 13, `PATH=${bin}; export PATH\n`);
    expect(r.stderr.toString()).toBe('warn\nno newline');
    expect(r).toMatchObject({ rc: 3, outSha: sha(r.stdout), errSha: sha(r.stderr), tool });
  });
});

it('a hash line is read only in its tool\'s exact form, at the very end', () => {
  const h = 'ab'.repeat(32);
  expect(hashLineAtEnd(Buffer.from(`x${h}  /dev/stdin\n`), 'sha256sum')).toEqual({ sha256: h, length: 77 });
  expect(hashLineAtEnd(Buffer.from(`SHA256SHA2-256(/dev/stdin)= ${h}\n`), 'openssl')).toEqual({ sha256: h, length: 87 });
  expect(hashLineAtEnd(Buffer.from(`SHA2-SHA256(/dev/stdin)= ${h}\n`), 'openssl')).toEqual({ sha256: h, length: 85 });
  expect(hashLineAtEnd(Buffer.from(`${h}  /dev/stdin\nmore\n`), 'sha256sum')).toBeNull();
  expect(hashLineAtEnd(Buffer.from(`${h}  /dev/stdin\n`), 'openssl')).toBeNull();
  expect(hashLineAtEnd(Buffer.from(`${h}  /dev/stdin\n`), null)).toBeNull();
  // A tool that did not exit 0: nothing is stripped, every byte stays data.
  const kept: Buffer[] = [];
  const hold = new TailHold({ write: (b) => kept.push(Buffer.from(b)) });
  hold.write(Buffer.from(`data\n${h}  /dev/stdin\n`));
  expect(hold.end('sha256sum', 1)).toBeNull();
  expect(Buffer.concat(kept).toString()).toBe(`data\n${h}  /dev/stdin\n`);
});

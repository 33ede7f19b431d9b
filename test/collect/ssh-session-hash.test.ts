// The host session's steps carry their hash lines at the end of each stream and their exit code
// in a marker frame (src/collect/ssh/step-block.ts: no `$( )` capture on the target). Hostile
// commands on a real namespace host try to pass for those lines: output ending in a well-formed
// "HEX  /dev/stdin" line, fake trailers and frames, no final newline, a command that closes its
// stderr half-way. Every byte must arrive as the command wrote it and match the target's SHA-256;
// targets with only shasum or only openssl give the same.
import { chmodSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Acquisition } from '../../src/model.js';
import { createSshLab, sshdAvailable } from '../lab/sshd.mjs';
import { runCli, tempDir } from '../helpers/cli.js';

const work = tempDir('nc-sshhash-');
const hostile = join(work, 'hostile');
const PATHS = '/usr/sbin:/usr/bin:/sbin:/bin';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const have = (c: string) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0;
const acq = (dir: string): Acquisition => JSON.parse(readFileSync(join(dir, 'acquisition.json'), 'utf8'));

// netstat: stdout ends in the SHA-256 of the empty string as a hash line; stderr carries a fake
// trailer, then is closed while stdout goes on; exit 3. ss: ends without a newline.
const NETSTAT = `#!/bin/sh
printf 'Proto Recv-Q Send-Q Local Address\\n'
printf 'NCTRAILER0123 t he=0 hash=sha256sum timeout=1 NCTRAILER0123\\n'
printf 'warn: NCTRAILER r 0 NCTRAILER\\n%s  /dev/stdin\\n' ${'e'.repeat(64)} >&2
exec 2>&-
printf '%s  /dev/stdin\\nSHA2-256(/dev/stdin)= %s\\n' ${'0'.repeat(64)} ${'1'.repeat(64)}
printf '%s  /dev/stdin\\n' e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
exit 3
`;
const SS = `#!/bin/sh\nprintf 'abc'\n`;

/** A PATH directory with every program of the system's except those named. */
function farm(name: string, without: string[]): string {
  const d = join(work, name);
  mkdirSync(d, { recursive: true });
  for (const dir of PATHS.split(':')) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) {
      if (without.includes(f) || existsSync(join(d, f))) continue;
      try {
        symlinkSync(join(dir, f), join(d, f));
      } catch {}
    }
  }
  return d;
}

describe.runIf(sshdAvailable())('SSH session steps: hash lines and exit codes in the streams', () => {
  let lab: Awaited<ReturnType<typeof createSshLab>>;
  let out: string;
  const tools: [string, string][] = [];

  beforeAll(async () => {
    mkdirSync(hostile, { recursive: true });
    writeFileSync(join(hostile, 'netstat'), NETSTAT);
    writeFileSync(join(hostile, 'ss'), SS);
    for (const f of ['netstat', 'ss']) chmodSync(join(hostile, f), 0o755);
    // A sha256sum that answers in a form netcustody does not know (BSD --tag style), exit 0.
    const odd = join(work, 'odd');
    mkdirSync(odd, { recursive: true });
    writeFileSync(join(odd, 'sha256sum'), `#!/bin/sh\ncat >/dev/null\nprintf 'SHA256 (%s) = %s\\n' "$1" ${'a'.repeat(64)}\n`);
    chmodSync(join(odd, 'sha256sum'), 0o755);
    const paths = [`${hostile}:${PATHS}`, `${odd}:${PATHS}`];
    if (have('shasum')) tools.push(['shasum', farm('only-shasum', ['sha256sum'])]);
    if (have('openssl')) tools.push(['openssl', farm('only-openssl', ['sha256sum', 'shasum'])]);
    for (const [, p] of tools) paths.push(p);
    lab = await createSshLab({ hosts: paths.length, sshdConfig: (i) => [`SetEnv PATH=${paths[i - 1]}`] });
    out = tempDir();
  }, 60_000);
  afterAll(() => lab?.cleanup());

  it('hostile output that imitates hash lines, trailers and frames arrives byte for byte and matches the target\'s hashes', async () => {
    const r = await runCli(['collect', '--ssh', 'h1', '--ssh-config', lab.sshConfig, '--out', out, '--case', 'HOSTILE', '--examiner', 'T', '--json'], { netns: lab.ws });
    const j = JSON.parse(r.stdout);
    const a = acq(j.evidenceDir);
    // What the hostile programs write, run here the same way (stdin from /dev/null, two pipes).
    const want = spawnSync('sh', [join(hostile, 'netstat')], { stdio: ['ignore', 'pipe', 'pipe'] });
    const netstat = a.commands.find((c) => c.id === 'netstat-anp')!;
    const raw = (c: typeof netstat, s: 'stdout' | 'stderr') => readFileSync(join(j.evidenceDir, c[s]!.path));
    expect(raw(netstat, 'stdout')).toEqual(want.stdout);
    expect(raw(netstat, 'stderr')).toEqual(want.stderr);
    expect(netstat).toMatchObject({ exitCode: 3, remote: { transit: 'match', stdoutSha256: sha(want.stdout), stderrSha256: sha(want.stderr) } });
    const ss = a.commands.find((c) => c.id === 'ss-tunap')!;
    expect(raw(ss, 'stdout').toString('latin1')).toBe('abc');
    expect(ss).toMatchObject({ exitCode: 0, remote: { transit: 'match', stdoutSha256: sha(Buffer.from('abc')) } });
    for (const c of a.commands) expect(c.remote?.transit, c.id).toBe('match');
    // What ran: no `$( )` capture around a step, and a /proc/net file read by tee itself (no cat).
    const scripts = a.transport!.footprint.commands.filter((f) => f.purpose.startsWith('step ') && f.purpose !== 'step process-facts');
    expect(scripts.length).toBe(12);
    for (const f of scripts) expect(f.script, f.purpose).not.toContain('$(');
    expect(scripts.find((f) => f.purpose === 'step proc-net-tcp')!.script).toMatch(/\$nc_t tee \/dev\/fd\/3 2>&7 <'\/proc\/net\/tcp'/);
  }, 120_000);

  it('a hash tool line of an unknown form is left in the output and said, never taken for a hash', async () => {
    const r = await runCli(['collect', '--ssh', 'h2', '--ssh-config', lab.sshConfig, '--out', out, '--case', 'ODD', '--examiner', 'T', '--json'], { netns: lab.ws });
    const j = JSON.parse(r.stdout);
    const ip = acq(j.evidenceDir).commands.find((c) => c.id === 'ip-route-all')!;
    const text = readFileSync(join(j.evidenceDir, ip.stdout!.path), 'latin1');
    expect(text.endsWith(`SHA256 (/dev/stdin) = ${'a'.repeat(64)}\n`)).toBe(true);
    expect(ip.remote).toMatchObject({ stdoutSha256: null, stderrSha256: null, transit: 'not taken' });
    expect(ip.remote!.note).toMatch(/sha256sum printed a line of a form netcustody does not know for stdout: it is left at the end/);
  }, 120_000);

  it('a target with only shasum, or only openssl, hashes every step the same way', async () => {
    for (const [i, [tool]] of tools.entries()) {
      const r = await runCli(['collect', '--ssh', `h${i + 3}`, '--ssh-config', lab.sshConfig, '--out', out, '--case', `ONLY-${tool}`, '--examiner', 'T', '--json'], { netns: lab.ws });
      expect(r.exitCode, r.stderr).toBe(0);
      const a = acq(JSON.parse(r.stdout).evidenceDir);
      expect(a.transport?.remote?.hashTool).toBe(tool);
      for (const c of a.commands) {
        expect(c.remote?.transit, `${tool} ${c.id}`).toBe('match');
        expect(c.remote?.stdoutSha256, c.id).toBe(c.stdout?.sha256);
        expect(c.remote?.stderrSha256, c.id).toBe(c.stderr?.sha256);
      }
    }
    expect(execFileSync('sh', ['-c', 'echo ok']).toString()).toBe('ok\n');
  }, 180_000);
});

// The field kit decides on the host, in awk, which executables to copy: the decision must be the one
// preservationReasons() (binaries-policy.ts) takes on the same facts. Reader lines for many names —
// every core and known-good name, near misses, look-alikes, disguised extensions, temp/hidden/deleted
// paths — run through the generated selection under dash, bash and busybox sh (busybox awk only),
// and are parsed by the sh-facts parser for the TypeScript side.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_REASON, preservationReasons } from '../../src/collect/binaries-policy.js';
import { encodeValue } from '../../src/collect/kit/manifest.js';
import { selectAwk } from '../../src/collect/kit/sh-select.js';
import { CORE_NAMES, KNOWN_GOOD } from '../../src/analyze/masquerade.js';
import { processFactsShParser } from '../../src/parse/process-facts-sh.js';
import type { PreservePolicy } from '../../src/model.js';
import { tempDir } from '../helpers/cli.js';

const has = (c: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${c}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** TypeScript reasons → the kit's codes. */
function codesOf(reasons: string[]): string[] {
  return reasons.map((r) => {
    if (r === ALL_REASON) return 'all';
    if (r.startsWith('runs from a memory-only')) return 'memfd';
    if (r.startsWith('deleted')) return 'deleted';
    if (r.startsWith('in a world-writable temporary')) return 'temp';
    if (r.startsWith('in a hidden')) return 'hidden';
    if (r.startsWith('its name') || r.startsWith('named "')) return 'name';
    throw new Error(`unmapped reason ${r}`);
  });
}

/** Deterministic variants of a name: edits, digits, extensions, case, titles. */
function variants(n: string, seed: number): string[] {
  let s = seed;
  const rnd = (k: number): number => ((s = (s * 1103515245 + 12345) % 2147483648), s % k);
  const letters = 'abcdeilmnorstuvw01|I5$3@';
  const out = [n, `${n}1`, `${n}123`, `${n}4567`, `${n}.exe`, `${n.toUpperCase()}.EXE`, `${n}.exe. `, ` ${n} `, `${n}: worker`, `${n}:x`, n.toUpperCase(), `${n}d`, n.slice(1), n.slice(0, -1)];
  for (let k = 0; k < 2; k++) {
    const i = rnd(n.length);
    const c = letters[rnd(letters.length)];
    out.push(n.slice(0, i) + c + n.slice(i + 1), n.slice(0, i) + c + n.slice(i), n.slice(0, i) + n.slice(i + 1));
    if (i + 1 < n.length) out.push(n.slice(0, i) + n[i + 1] + n[i] + n.slice(i + 2));
  }
  out.push(n.replace(/m/g, 'rn'), n.replace(/o/g, '0'), n.replace(/l/g, '1'), n.replace(/s/g, '5'));
  return out;
}

interface Case {
  exe: string;
  comm: string;
  argv0: string;
}

function cases(): Case[] {
  const names = [...CORE_NAMES.linux, ...KNOWN_GOOD.linux, ...CORE_NAMES.windows, ...KNOWN_GOOD.windows.slice(0, 12), 'NetworkManager', 'systemd-resolv', 'sshd-sessio', 'webapp', 'nginx', 'srss.exe', 'svch0st.exe', 'kworker/0:1', '[kworker/0:1]', 'x', ''];
  const out: Case[] = [];
  names.forEach((n, i) => {
    for (const v of variants(n, i + 7)) {
      out.push({ exe: `/usr/lib/app/${v.replace(/\//g, '_')}`, comm: v.slice(0, 15), argv0: v });
      out.push(i % 2 ? { exe: '/usr/bin/perl', comm: v.slice(0, 15), argv0: 'perl' } : { exe: `/opt/x/${v.replace(/\//g, '_')}`, comm: 'worker', argv0: `/opt/x/${v}` });
    }
  });
  const paths = ['/tmp/x', '/TMP/x', '/var/tmp/a/b', '/dev/shm/.k', '/run/lock/z', '/private/tmp/q', '/users/shared/s', '/home/u/.cache/x', '/home/u/.cargo/bin/cargo',
    '/home/u/.local/bin/pipx', '/home/u/.local/lib/x', '/root/.x', '/usr/bin/perl (deleted)', '/tmp/x (deleted)', '/memfd:payload (deleted)', '/memfd:', ' (deleted)', 'relative/x', '/',
    '/home/u/.vscode-server/bin/node', '/home/u/.VSCODE-SERVER/bin/node', '/a/b c/sshd', '/opt/%41/x', '/opt/x\\y/sshd',
    // Newlines in a path: busybox awk's regexes stop at them, JavaScript's ^ and [^/] do not.
    '/opt/x\n/tmp/y', '/tmp\n/x', '/home/u/.ca\nche/x', '/srv/a\n/.b/c', '/opt/\x7f.x/y', '/opt/caf\u00e9/.x/y'];
  for (const p of paths) out.push({ exe: p, comm: 'app', argv0: p });
  // Names a POSIX awk cannot score exactly (Unicode look-alikes, invisible characters, control bytes).
  for (const odd of ['ѕshd', 'sshd\u200b', 'ｓｓｈｄ', 'systemd\u202e', 'caf\u00e9', 'tab\tname', '服务']) out.push({ exe: `/usr/lib/${odd}`, comm: odd.slice(0, 15), argv0: odd });
  return out;
}

function readerText(list: Case[]): string {
  const lines = ['netcustody-procfacts-sh 1 hash=sha256sum cap=67108864 uid=0', 'btime 1700000000'];
  list.forEach((c, i) => {
    const cmdline = Buffer.concat([Buffer.from(c.argv0), Buffer.from([0]), Buffer.from('--flag'), Buffer.from([0])]);
    lines.push(`proc pid=${4100000 + i} sockets=${900 + i} exe=${encodeValue(c.exe)} comm=${encodeValue(c.comm)} cmdline=${encodeValue(cmdline)} stat=${encodeValue(`${4100000 + i} (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0`)} uid=0 size=10 sha256=${'ab'.repeat(32)}`);
  });
  lines.push('end');
  return `${lines.join('\n')}\n`;
}

describe.runIf(has('dash') && has('busybox') && has('bash'))('the kit selects the executables preservationReasons() selects', () => {
  const work = tempDir('nc-kitsel-');
  const list = cases();
  const input = join(work, 'facts.txt');
  writeFileSync(input, readerText(list));
  const awkFile = join(work, 'select.awk');
  writeFileSync(awkFile, selectAwk());
  const bb = join(work, 'bb');
  mkdirSync(bb);
  execFileSync('busybox', ['--install', '-s', bb]);
  const facts = processFactsShParser.parse({ text: readerText(list), artifact: 'raw/x', encoding: 'utf-8' }).processes;

  const run = (shell: string[], path: string, policy: PreservePolicy): Map<number, string[]> => {
    const out = execFileSync('env', ['-i', `PATH=${path}`, ...shell, '-c', 'awk -v policy="$1" "$(cat "$2")" "$3"', 'sh', policy, awkFile, input], { maxBuffer: 64 << 20 }).toString('latin1');
    const got = new Map<number, string[]>();
    for (const line of out.trim().split('\n')) {
      const [pid, codes] = line.split(' ');
      if (codes !== '-') got.set(Number(pid), codes.split(','));
    }
    return got;
  };

  for (const [label, shell, path] of [
    ['dash', ['dash'], process.env.PATH ?? '/usr/bin:/bin'],
    ['bash', ['bash'], process.env.PATH ?? '/usr/bin:/bin'],
    ['busybox sh + busybox awk only', [join(bb, 'sh')], bb],
  ] as const) {
    // 'all' adds one code to every line: checked under one shell only (the slow busybox awk runs once).
    for (const policy of label === 'dash' ? (['auto', 'all'] as const) : (['auto'] as const)) {
      it(`${label}, --preserve-binaries ${policy}: ${list.length} processes, same selection and reasons`, () => {
        expect(facts.length).toBe(list.length);
        const got = run([...shell], path, policy);
        let plainChecked = 0;
        let selected = 0;
        for (const f of facts) {
          const want = codesOf(preservationReasons(f, policy, null)).sort();
          const have = (got.get(f.pid) ?? []).sort();
          const c = list[f.pid - 4100000];
          const plain = [c.comm, c.argv0, c.exe.slice(c.exe.lastIndexOf('/') + 1)].every((t) => /^[\x20-\x7e]*$/.test(t));
          if (plain) {
            expect(have, `${JSON.stringify(c)}`).toEqual(want);
            plainChecked++;
          } else {
            // Not scored on the host: copied ("oddname") so the lab decides; never fewer copies.
            expect(have.filter((x) => x !== 'oddname'), JSON.stringify(c)).toEqual(want.filter((x) => x !== 'name'));
            if (want.includes('name')) expect(have).toContain('oddname');
          }
          if (want.length) selected++;
        }
        expect(plainChecked).toBeGreaterThan(3000);
        expect(selected).toBeGreaterThan(policy === 'all' ? list.length - 5 : 150);
      });
    }
  }
});

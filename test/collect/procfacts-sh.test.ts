// The POSIX-sh process-facts reader (used over SSH and by the field kit) must read the same facts
// as the Node collector from the same /proc, under dash, bash and busybox sh with only busybox
// applets on the PATH, and keep hostile values exact.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { procFactsReaderScript } from '../../src/collect/sh/procfacts-reader.js';
import { processFactsShParser } from '../../src/parse/process-facts-sh.js';
import { detectFormat } from '../../src/parse/registry.js';
import type { ProcessFacts } from '../../src/model.js';
import { createLab, netnsAvailable } from '../lab/netns.mjs';
import { REPO } from '../helpers/cli.js';

const canNetns = netnsAvailable();
const hasShells = ['dash', 'busybox'].every((c) => {
  try {
    execFileSync('sh', ['-c', `command -v ${c}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});

const COMPARED = ['pid', 'comm', 'exe', 'exeDeleted', 'cmdline', 'ppid', 'uid', 'user', 'startTime', 'socketInodes'] as const;
const pick = (f: ProcessFacts) => Object.fromEntries(COMPARED.map((k) => [k, f[k]]));
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe.runIf(canNetns && hasShells)('POSIX-sh process-facts reader in a network namespace', () => {
  let lab: ReturnType<typeof createLab>;
  let work: string;
  let bbPath: string;
  let scriptPath: string;
  const pids: Record<string, number> = {};
  let nodeHash: string;

  const runReader = (shell: string[], env: Record<string, string> = {}, script = scriptPath): string =>
    lab.exec(lab.victim, ['env', '-i', `PATH=${env.PATH ?? process.env.PATH ?? '/usr/bin:/bin'}`, ...shell, script]).toString('latin1');

  beforeAll(async () => {
    lab = createLab();
    work = mkdtempSync(join(tmpdir(), 'nc-shreader-'));
    bbPath = join(work, 'bb');
    execFileSync('mkdir', ['-p', bbPath]);
    execFileSync('busybox', ['--install', '-s', bbPath]);
    scriptPath = join(work, 'reader.sh');
    // The test's node binary is ~100 MB: above the default cap, so the cap is raised here.
    writeFileSync(scriptPath, procFactsReaderScript({ maxHashBytes: 512 * 1024 * 1024 }));
    nodeHash = sha256(readFileSync(process.execPath));
    const { victim, attacker, addr } = lab;
    await lab.startHolder(attacker, 'c2', { listen: [{ proto: 'tcp', host: '0.0.0.0', port: 4444 }] });
    pids.srss = (await lab.startHolder(victim, 'srss.exe', { listen: [{ proto: 'tcp', host: '0.0.0.0', port: 1337 }], connect: [{ host: addr.attacker4, port: 4444 }] }, 'copy')).pid;
    pids.gone = (await lab.startHolder(victim, 'gone', { listen: [{ proto: 'udp', host: '0.0.0.0', port: 5353 }] }, 'deleted')).pid;
    // A name a hostile user could choose: spaces, a percent sign, a newline, a forged "proc" line;
    // in its command line a backslash escape that an `echo` would turn into a line of its own.
    pids.hostile = (await lab.startHolder(victim, 'a b%41\nproc pid=1 sockets=1', { listen: [{ proto: 'tcp', host: '::', port: 8080 }], title: String.raw`x y\nproc pid=1 sockets=1 \c` }, 'copy')).pid;
  });
  afterAll(() => {
    lab?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const nodeFacts = (): ProcessFacts[] => {
    const code = `import('${join(REPO, 'dist/collect/procfacts.js')}').then((m) => process.stdout.write(JSON.stringify(m.collectProcessFacts())))`;
    return JSON.parse(lab.exec(lab.victim, [process.execPath, '-e', code]).toString('utf8'));
  };

  for (const [name, shell, env] of [
    ['dash', ['dash'], {}],
    ['bash', ['bash', '--posix'], {}],
    ['busybox sh with only busybox applets', ['/bin/busybox', 'sh'], { PATH: '' }],
  ] as const) {
    it(`reads the same facts as the Node collector under ${name}`, () => {
      const text = runReader([...shell], { ...env, ...(env.PATH === '' ? { PATH: bbPath } : {}) });
      const parsed = processFactsShParser.parse({ text, artifact: 'raw/05-process-facts.txt', encoding: 'utf-8' });
      expect(parsed.unparsed).toEqual([]);
      expect(parsed.warnings).toEqual([]);
      expect(parsed.lines.total).toBe(parsed.lines.records + parsed.lines.headers + parsed.lines.blank);
      const byNode = nodeFacts().map(pick);
      const bySh = parsed.processes.map(pick).sort((a, b) => (a.pid as number) - (b.pid as number));
      expect(bySh).toEqual(byNode);
      expect(bySh.map((p) => p.pid)).toEqual(expect.arrayContaining([pids.srss, pids.gone, pids.hostile]));
      // Every line cites one process; the hostile name could not forge a line.
      expect(parsed.processes.every((p) => p.source?.line && text.split('\n')[p.source.line - 1].startsWith(`proc pid=${p.pid} `))).toBe(true);
      const hostile = parsed.processes.find((p) => p.pid === pids.hostile)!;
      expect(hostile.exe).toBe(join(lab.workDir, 'bin', 'a b%41\nproc pid=1 sockets=1'));
      expect(hostile.cmdline?.[0]).toBe(String.raw`x y\nproc pid=1 sockets=1 \c`);
      const gone = parsed.processes.find((p) => p.pid === pids.gone)!;
      expect(gone.exeDeleted).toBe(true);
      // The running image is hashed, also when its file is deleted (the holders are copies of node).
      for (const pid of [pids.srss, pids.gone, pids.hostile]) {
        const p = parsed.processes.find((x) => x.pid === pid)!;
        expect([p.exeSha256, p.exeSize, p.exeHashError]).toEqual([nodeHash, readFileSync(process.execPath).length, null]);
      }
    });
  }

  // The executables are hashed in one call of the target's tool: each tool prints the file names in
  // its own way (sha256sum/shasum "HEX  /proc/N/exe", openssl "SHA2-256(/proc/N/exe)= HEX").
  for (const tool of ['shasum', 'openssl'].filter((c) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0)) {
    it(`hashes every owner's executable with only ${tool} on the target`, () => {
      const bin = join(work, `only-${tool}`);
      execFileSync('mkdir', ['-p', bin]);
      for (const c of [tool, 'dash', 'awk', 'ls', 'od', 'readlink', 'id', 'perl']) {
        const p = spawnSync('sh', ['-c', `command -v ${c}`]).stdout.toString().trim();
        if (p) execFileSync('ln', ['-sf', p, join(bin, c)]);
      }
      const text = runReader(['dash'], { PATH: bin });
      expect(text.split('\n')[0]).toContain(` hash=${tool} `);
      const parsed = processFactsShParser.parse({ text, artifact: 'raw/x.txt', encoding: 'utf-8' });
      expect(parsed.unparsed).toEqual([]);
      for (const pid of [pids.srss, pids.gone, pids.hostile]) {
        const p = parsed.processes.find((x) => x.pid === pid)!;
        expect([p.exeSha256, p.exeHashError]).toEqual([nodeHash, null]);
      }
      expect(parsed.processes.map(pick).sort((a, b) => (a.pid as number) - (b.pid as number))).toEqual(nodeFacts().map(pick));
    });
  }

  it('records an executable over the cap as not read, with the reason', () => {
    const small = join(work, 'small-cap.sh');
    writeFileSync(small, procFactsReaderScript({ maxHashBytes: 1024 }));
    const parsed = processFactsShParser.parse({ text: runReader(['dash'], {}, small), artifact: 'raw/x.txt', encoding: 'utf-8' });
    const p = parsed.processes.find((x) => x.pid === pids.srss)!;
    expect(p.exeSha256).toBeNull();
    expect(p.exeSize).toBe(readFileSync(process.execPath).length);
    expect(p.exeHashError).toMatch(/size cap/);
  });

  it('is detected by content and its output is recognised as cut short without the end line', () => {
    const text = runReader(['dash']);
    expect(detectFormat(text)?.parser.info.id).toBe('netcustody-procfacts-sh');
    const cut = text.slice(0, text.lastIndexOf('end\n'));
    const parsed = processFactsShParser.parse({ text: cut, artifact: 'raw/x.txt', encoding: 'utf-8' });
    expect(parsed.warnings.join('\n')).toMatch(/no "end" line: it was cut short/);
  });
});

describe('POSIX-sh process-facts parser on hand-made lines', () => {
  it('reports every line it cannot read, by line number, and accounts for every line', () => {
    const text = 'netcustody-procfacts-sh 1 hash=sha256sum cap=10 uid=0\nbtime 100\nproc pid=7 sockets=5 exe=/bin/x%20y comm=x stat=7%20(x)%20S%201%207%207%200%20-1%200%200%200%200%200%200%200%200%200%2020%200%201%200%20500 uid=0 user=root size=3 sha256!=unreadable\nproc pid=x\ngarbage\nproc pid=8 sockets=6 exe=%zz\n\nend\n';
    const r = processFactsShParser.parse({ text, artifact: 'raw/p.txt', encoding: 'utf-8' });
    expect(r.processes).toHaveLength(1);
    expect(r.processes[0]).toMatchObject({ pid: 7, exe: '/bin/x y', ppid: 1, startTime: new Date(105 * 1000).toISOString(), exeSha256: null, exeSize: 3 });
    expect(r.processes[0].exeHashError).toMatch(/could not be read/);
    expect(r.unparsed.map((u) => u.line)).toEqual([4, 5, 6]);
    expect(r.lines.total).toBe(r.lines.records + r.lines.headers + r.lines.blank + r.unparsed.length);
  });
});

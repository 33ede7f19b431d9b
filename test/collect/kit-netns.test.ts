// The field kit in a network namespace with planted sockets: the generated sh kit runs under dash and
// under busybox sh with only busybox applets plus the real netstat/ss/ip on the PATH (no node, no
// python, no bash); import --kit turns each result into an evidence folder whose findings equal a
// direct collect's. Then the results are attacked: an edited output, an interrupted run, an old kit
// version, a planted symlink, a manifest naming ../x, hostile tars.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Acquisition, Finding } from '../../src/model.js';
import { verifyCustodyFile, readCustody } from '../../src/evidence/custody.js';
import { createLab, netnsAvailable } from '../lab/netns.mjs';
import { runCli, tempDir } from '../helpers/cli.js';
import { readConnections } from '../../src/evidence/folder.js';

const canNetns = netnsAvailable();
const has = (c: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${c}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** First start to last end of the socket views (group 1: netstat, ss, /proc/net). */
const groupWindowMs = (a: Acquisition): number => {
  const g = a.commands.filter((c) => c.order <= 8);
  return Number(g.reduce((m, c) => (BigInt(c.endNs) > m ? BigInt(c.endNs) : m), 0n) - g.reduce((m, c) => (BigInt(c.startNs) < m ? BigInt(c.startNs) : m), BigInt(g[0].startNs))) / 1e6;
};

interface Run {
  results: string;
  wallMs: number;
  stdout: string;
}

describe.runIf(canNetns && has('dash') && has('busybox'))('field kit in a network namespace', () => {
  let lab: ReturnType<typeof createLab>;
  let work: string;
  let kitDir: string;
  let script: string;
  let bb: string;
  const pids: Record<string, number> = {};
  let direct: { dir: string; acq: Acquisition; findings: Finding[] };
  const runs: Record<string, Run> = {};

  /** Runs the kit inside the victim namespace; returns the results folder it printed last. */
  const runKit = (shell: string[], path: string, parent: string, file = script): Run => {
    mkdirSync(parent, { recursive: true });
    const t0 = process.hrtime.bigint();
    const out = lab.exec(lab.victim, ['env', '-i', `PATH=${path}`, ...shell, file, parent]).toString('utf8');
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const lines = out.trim().split('\n');
    return { results: lines.at(-1)!, wallMs, stdout: out };
  };
  const importKit = async (source: string, extra: string[] = []) => {
    const r = await runCli(['import', '--kit', source, '--out', join(work, 'out'), '--case', 'KIT-1', '--examiner', 'Kit Examiner', '--json', ...extra]);
    return { ...r, json: r.stdout ? JSON.parse(r.stdout) : null };
  };
  const analyzeDir = async (dir: string): Promise<Finding[]> => {
    const r = await runCli(['analyze', dir, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    return JSON.parse(readFileSync(join(dir, 'findings.json'), 'utf8'));
  };
  const findingKeys = (fs: Finding[]): string[] => [...new Set(fs.map((f) => `${f.rule}|${f.severity}|${f.pid ?? '-'}|${f.process ?? '-'}|${f.detail.match(/port \d+|:\d+/g)?.join(',') ?? ''}`))].sort();
  const connKeys = (dir: string): string[] => {
    const conns = readConnections(dir);
    return conns.filter((c) => c.primary).map((c) => `${c.protocol} ${c.localAddress}:${c.localPort} ${c.remoteAddress} ${c.state} ${c.pid}/${c.process}`).sort();
  };
  const processKeys = (dir: string): string[] => {
    const ps = JSON.parse(readFileSync(join(dir, 'parsed/processes.json'), 'utf8')) as { pid: number; comm: string | null; exe: string | null; user: string | null }[];
    return ps.map((p) => `${p.pid} ${p.comm} ${p.exe} ${p.user}`).sort();
  };

  beforeAll(async () => {
    lab = createLab();
    work = tempDir('nc-kit-');
    const { victim, attacker, addr } = lab;
    await lab.startHolder(attacker, 'attacker-c2', { listen: [{ proto: 'tcp', host: '::', port: 4444 }] });
    pids.srss = (await lab.startHolder(victim, 'srss.exe', { listen: [{ proto: 'tcp', host: '0.0.0.0', port: 1337 }], connect: [{ host: addr.attacker4, port: 4444 }] })).pid;
    pids.web = (await lab.startHolder(victim, 'web server', { listen: [{ proto: 'tcp', host: '::', port: 8080 }, { proto: 'udp', host: '0.0.0.0', port: 5353 }] })).pid;
    pids.gone = (await lab.startHolder(victim, 'gone', { listen: [{ proto: 'tcp', host: '0.0.0.0', port: 31337 }] }, 'deleted')).pid;
    lab.exec(victim, ['ip', 'route', 'add', '203.0.113.0/24', 'via', addr.attacker4]);
    lab.exec(victim, ['ip', 'route', 'add', 'blackhole', '198.51.100.0/24']);

    const k = await runCli(['kit', '--os', 'linux', '--out', join(work, 'usb'), '--json']);
    expect(k.exitCode, k.stderr).toBe(0);
    kitDir = join(work, 'usb');
    script = JSON.parse(k.stdout).kit;

    // busybox applets only, plus the real netstat, ss and ip (the profile's own commands).
    bb = join(work, 'bb');
    mkdirSync(bb);
    execFileSync('busybox', ['--install', '-s', bb]);
    for (const tool of ['netstat', 'ss', 'ip']) {
      rmSync(join(bb, tool), { force: true });
      symlinkSync(execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(), join(bb, tool));
    }
    for (const absent of ['node', 'python3', 'bash', 'perl']) expect(existsSync(join(bb, absent))).toBe(false);

    const c0 = process.hrtime.bigint();
    const r = await runCli(['collect', '--out', join(work, 'direct'), '--case', 'KIT-1', '--examiner', 'Kit Examiner', '--json'], { netns: victim });
    const directWallMs = Number(process.hrtime.bigint() - c0) / 1e6;
    expect(r.exitCode, r.stderr).toBe(0);
    const dir = JSON.parse(r.stdout).evidenceDir;
    direct = { dir, acq: JSON.parse(readFileSync(join(dir, 'acquisition.json'), 'utf8')), findings: await analyzeDir(dir) };
    runs.dash = runKit(['dash'], '/usr/sbin:/usr/bin:/sbin:/bin', join(work, 'dash-results'));
    runs.busybox = runKit(['/bin/busybox', 'sh'], bb, join(work, 'bb-results'));
    process.stderr.write(`[kit figures] direct collect: wall ${directWallMs.toFixed(0)} ms (incl. node start), capture window ${direct.acq.captureWindow?.durationMs} ms, sockets group ${groupWindowMs(direct.acq)} ms; kit under dash: wall ${runs.dash.wallMs.toFixed(0)} ms; kit under busybox sh: wall ${runs.busybox.wallMs.toFixed(0)} ms\n`);
  }, 240_000);
  afterAll(() => lab?.cleanup());

  for (const shell of ['dash', 'busybox'] as const) {
    it(`kit under ${shell}: import --kit verifies every output and the findings equal a direct collect's`, async () => {
      const run = runs[shell];
      expect(run.results).toMatch(/\/netcustody-kit_[A-Za-z0-9._-]+_\d{8}T\d{6}Z$/);
      // It wrote only its results folder beside the parent given (nothing else in the parent).
      expect(readdirSync(join(run.results, '..'))).toEqual([run.results.split('/').at(-1)]);
      const manifest = readFileSync(join(run.results, 'manifest.txt'), 'utf8');
      expect(manifest).toMatch(/^format=netcustody-kit-manifest\/1$/m);
      expect(manifest).toMatch(/^run\.complete=1$/m);
      expect(manifest).toMatch(/^hash\.tool=sha256sum$/m);
      expect(manifest).toMatch(shell === 'dash' ? /^time\.precision=ns$/m : /^time\.precision=s$/m);
      expect(readdirSync(run.results).filter((f) => f.endsWith('.rec'))).toEqual([]);
      const imp = await importKit(run.results);
      expect(imp.exitCode, imp.stderr).toBe(0);
      expect(imp.stderr).toContain('= the script this netcustody version generates');
      const dir = imp.json.evidenceDir as string;
      const acq: Acquisition = JSON.parse(readFileSync(join(dir, 'acquisition.json'), 'utf8'));
      expect(acq.status).toBe('complete');
      expect(acq.transport?.kind).toBe('kit');
      expect(acq.transport?.kit).toMatchObject({ scriptMatches: true, os: 'linux', hashTool: 'sha256sum', runComplete: true, missingSteps: [] });
      expect(acq.commands.map((c) => c.id)).toEqual(direct.acq.commands.map((c) => c.id));
      for (const c of acq.commands) {
        expect(c.timeSource).toBe("recorded by the kit on the host's clock");
        expect(c.exitCode, c.id).toBe(0);
        for (const f of [c.stdout!, c.stderr!]) {
          expect(execFileSync('sha256sum', [join(dir, f.path)], { encoding: 'utf8' }).split(' ')[0]).toBe(f.sha256);
          // The bytes are the kit's own, unchanged.
          expect(readFileSync(join(dir, f.path)).equals(readFileSync(join(run.results, f.path.slice(4))))).toBe(true);
        }
      }
      expect(verifyCustodyFile(dir).ok).toBe(true);
      const actions = readCustody(dir).map((e) => e.action);
      expect(actions.slice(0, 4)).toEqual(['case opened', 'kit results received', 'kit script matches', 'kit manifest kept']);
      expect(actions.at(-1)).toBe('kit import finished');
      const findings = await analyzeDir(dir);
      expect(findingKeys(findings)).toEqual(findingKeys(direct.findings));
      expect(connKeys(dir)).toEqual(connKeys(direct.dir));
      expect(processKeys(dir)).toEqual(processKeys(direct.dir));
      expect(findings.some((f) => f.pid === pids.srss)).toBe(true);
      expect(findings.some((f) => f.pid === pids.gone && f.rule === 'NET-DELETED-EXE')).toBe(true);
      process.stderr.write(`[kit figures] kit under ${shell}: sockets group ${groupWindowMs(acq)} ms, capture window ${acq.captureWindow?.durationMs} ms (host clock, ${acq.transport?.kit?.timePrecision} resolution), run ${acq.transport?.kit?.runStart} → ${acq.transport?.kit?.runEnd}\n`);
    }, 120_000);
  }

  it('the kit folder holds the script and a sha256sum line that checks it', () => {
    expect(readdirSync(kitDir).sort()).toEqual(['netcustody-collect.sh', 'netcustody-collect.sh.sha256']);
    execFileSync('sha256sum', ['-c', 'netcustody-collect.sh.sha256'], { cwd: kitDir });
  });

  it('an output edited after the run: import fails naming the file, nothing is imported', async () => {
    const copy = join(work, 'edited', runs.dash.results.split('/').at(-1)!);
    cpSync(runs.dash.results, copy, { recursive: true });
    const victim = join(copy, '01-netstat-anp.stdout');
    writeFileSync(victim, readFileSync(victim, 'utf8').replace('1337', '1338'));
    const before = existsSync(join(work, 'out', 'KIT-1')) ? readdirSync(join(work, 'out', 'KIT-1')).length : 0;
    const r = await importKit(copy);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/01-netstat-anp\.stdout: SHA-256 [0-9a-f]{64} differs from the one the kit recorded on the host/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(join(work, 'out', 'KIT-1')).length).toBe(before);
    rmSync(join(copy, '02-ss-tunap.stderr'));
    writeFileSync(victim, readFileSync(join(runs.dash.results, '01-netstat-anp.stdout')));
    const gone = await importKit(copy);
    expect(gone.exitCode).toBe(3);
    expect(gone.stderr).toContain('02-ss-tunap.stderr: recorded in manifest.txt (0 bytes) but missing from the results');
  });

  it('a kit interrupted in the routes group: import names the missing outputs and keeps the rest', async () => {
    // `ip` hangs (a wrapper that sleeps) so the kit is caught in its last group, then its whole process group is killed.
    const slow = join(work, 'slow');
    mkdirSync(slow);
    writeFileSync(join(slow, 'ip'), '#!/bin/sh\nexec sleep 120\n', { mode: 0o755 });
    const parent = join(work, 'int-results');
    mkdirSync(parent);
    const child = spawn('ip', ['netns', 'exec', lab.victim, 'setsid', 'env', '-i', `PATH=${slow}:/usr/sbin:/usr/bin:/sbin:/bin`, 'dash', script, parent], { stdio: 'ignore' });
    const deadline = Date.now() + 60_000;
    let results = '';
    while (Date.now() < deadline) {
      results = readdirSync(parent).map((n) => join(parent, n))[0] ?? '';
      if (results && existsSync(join(results, '12-ip-route-all.rec')) && readFileSync(join(results, '09-process-facts.rec'), 'utf8').includes('step.09.stderr.sha256=')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 1500)); // netstat -rn (10, 11) finish; ip (12, 13) hang
    const sid = execFileSync('sh', ['-c', `ps -eo pid,sid,args | awk '$3 == "dash" && $4 == "${script}" { print $2; exit }'`], { encoding: 'utf8' }).trim();
    expect(sid).toMatch(/^\d+$/);
    execFileSync('sh', ['-c', `pkill -KILL -s ${sid}`]);
    await new Promise((r) => child.on('exit', r));
    const r = await importKit(results);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/missing outputs: 12-ip-route-all, 13-ip6-route-all/);
    expect(r.stderr).toMatch(/not imported \(no complete record by the kit\): 12-ip-route-all\.stderr, 12-ip-route-all\.stdout/);
    const dir = r.json.evidenceDir as string;
    const acq: Acquisition = JSON.parse(readFileSync(join(dir, 'acquisition.json'), 'utf8'));
    expect(acq.status).toBe('interrupted');
    const byId = new Map(acq.commands.map((c) => [c.id, c]));
    for (const kept of ['netstat-anp', 'process-facts', 'netstat-rn', 'netstat-rn-inet6']) expect(byId.get(kept)?.stdout?.bytes, kept).toBeGreaterThan(0);
    expect(byId.get('ip-route-all')?.error).toMatch(/interrupted on the host: the kit recorded no end \(started /);
    expect(byId.get('ip-route-all')?.stdout).toBeNull();
    expect(acq.warnings.join('\n')).toMatch(/the kit did not finish its run/);
    expect(readCustody(dir).some((e) => e.action === 'kit command incomplete' && e.object === 'ip route show table all')).toBe(true);
    // The rest goes through analyze as usual.
    expect((await analyzeDir(dir)).some((f) => f.pid === pids.srss)).toBe(true);
  }, 120_000);

  it('an old kit version: reported by version and hash, not rejected', async () => {
    const old = join(work, 'old');
    mkdirSync(old);
    const oldScript = join(old, 'netcustody-collect.sh');
    writeFileSync(oldScript, readFileSync(script, 'utf8').replace(/^k_version=.*$/m, "k_version='0.0.9'"));
    const run = runKit(['dash'], '/usr/sbin:/usr/bin:/sbin:/bin', join(old, 'r'), oldScript);
    const oldHash = execFileSync('sha256sum', [oldScript], { encoding: 'utf8' }).split(' ')[0];
    const r = await importKit(run.results);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain(`DIFFERENT SCRIPT: netcustody-collect.sh version 0.0.9, SHA-256 ${oldHash}`);
    const acq: Acquisition = JSON.parse(readFileSync(join(r.json.evidenceDir, 'acquisition.json'), 'utf8'));
    expect(acq.transport?.kit).toMatchObject({ version: '0.0.9', scriptSha256: oldHash, scriptMatches: false });
    expect(acq.warnings.join('\n')).toContain(`kit version 0.0.9, script SHA-256 ${oldHash}`);
    expect(readCustody(r.json.evidenceDir).some((e) => e.action === 'kit script differs' && e.sha256 === oldHash)).toBe(true);
  }, 120_000);

  it('hostile results: a symlink, a manifest naming ../x, an unknown file are refused naming them', async () => {
    const base = runs.dash.results;
    const name = base.split('/').at(-1)!;
    const cases: [string, (d: string) => void, RegExp][] = [
      ['link', (d) => symlinkSync('/etc/shadow', join(d, '14-extra.stdout')), /14-extra\.stdout: is a symbolic link/],
      ['dotdot', (d) => writeFileSync(join(d, 'manifest.txt'), readFileSync(join(d, 'manifest.txt'), 'utf8').replace('step.01.stdout=01-netstat-anp.stdout', 'step.01.stdout=../x')), /manifest\.txt line \d+: step\.01\.stdout: "\.\.\/x" is not an output file name of the kit/],
      ['unknown', (d) => writeFileSync(join(d, 'notes.txt'), 'hello'), /notes\.txt: not a file the kit writes; refused/],
      ['extra output', (d) => writeFileSync(join(d, '14-planted.stdout'), 'tcp 0 0 0.0.0.0:1 0.0.0.0:* LISTEN 1/x\n'), /14-planted\.stdout: no step of the manifest records it/],
    ];
    for (const [label, spoil, message] of cases) {
      const d = join(work, `hostile-${label.replace(/ /g, '-')}`, name);
      cpSync(base, d, { recursive: true });
      spoil(d);
      const r = await importKit(d);
      expect(r.exitCode, label).toBe(1);
      expect(r.stderr, label).toMatch(message);
    }
  });

  it('a tar of the results imports; tars with links, absolute paths or .. are refused', async () => {
    const name = runs.busybox.results.split('/').at(-1)!;
    const tar = join(work, 'results.tar');
    execFileSync('tar', ['cf', tar, '-C', join(runs.busybox.results, '..'), name]);
    const r = await importKit(tar);
    expect(r.exitCode, r.stderr).toBe(0);
    const acq: Acquisition = JSON.parse(readFileSync(join(r.json.evidenceDir, 'acquisition.json'), 'utf8'));
    expect(acq.transport?.kit?.results).toMatchObject({ kind: 'tar', name, sha256: execFileSync('sha256sum', [tar], { encoding: 'utf8' }).split(' ')[0] });
    const py = (members: string): string => {
      const out = join(work, `bad-${Math.random().toString(36).slice(2)}.tar`);
      execFileSync('python3', ['-c', `import tarfile, io, sys\nt = tarfile.open(sys.argv[1], 'w', format=tarfile.USTAR_FORMAT)\n${members}\nt.close()`, out]);
      return out;
    };
    const file = (n: string) => `i = tarfile.TarInfo(${JSON.stringify(n)}); d = b'x'; i.size = len(d); t.addfile(i, io.BytesIO(d))`;
    const bad: [string, RegExp][] = [
      [py(`${file(`${name}/manifest.txt`)}\ni = tarfile.TarInfo('${name}/01-netstat-anp.stdout'); i.type = tarfile.SYMTYPE; i.linkname = '/etc/shadow'; t.addfile(i)`), /01-netstat-anp\.stdout" is a symbolic link/],
      [py(file('/etc/cron.d/x')), /"\/etc\/cron\.d\/x": absolute path/],
      [py(file(`${name}/../../x`)), /'\.\.', '\.' or an empty part in the path/],
      [py(`i = tarfile.TarInfo('${name}/h'); i.type = tarfile.LNKTYPE; i.linkname = 'manifest.txt'; t.addfile(i)`), /is a hard link/],
    ];
    for (const [path, message] of bad) {
      const b = await importKit(path);
      expect(b.exitCode, path).toBe(1);
      expect(b.stderr).toMatch(message);
    }
    const cut = join(work, 'cut.tar');
    writeFileSync(cut, readFileSync(tar).subarray(0, 2048));
    expect((await importKit(cut)).stderr).toMatch(/cut short/);
  });

  it('the report of a kit import says the kit was used; bundle and verify pass', async () => {
    const imp = await importKit(runs.dash.results);
    const dir = imp.json.evidenceDir as string;
    await analyzeDir(dir);
    const rep = await runCli(['report', dir, '--examiner', 'Kit Examiner'], { env: { NETCUSTODY_HOME: join(work, 'home') } });
    expect(rep.exitCode, rep.stderr).toBe(0);
    const text = execFileSync('pdftotext', ['-raw', join(dir, 'report/report.pdf'), '-'], { encoding: 'utf8', maxBuffer: 64 << 20 }).replace(/\s+/g, ' ');
    expect(text).toContain('field kit netcustody-collect.sh');
    expect(text).toContain("recorded by the kit on the host's clock");
    expect(text).toMatch(/same bytes as the script netcustody \S+ generates for linux/);
    expect(text).toMatch(/imported the results of the netcustody field kit/);
    const b = await runCli(['bundle', dir], { env: { NETCUSTODY_HOME: join(work, 'home') } });
    expect(b.exitCode, b.stderr).toBe(0);
    const v = await runCli(['verify', dir]);
    expect(v.exitCode, v.stdout + v.stderr).toBe(0);
    appendFileSync(join(work, 'figures.txt'), '');
  }, 240_000);
});

// `netcustody case` on a four-namespace lab: each host collected inside its namespace with the real CLI,
// analysed, reported and bundled; then case on the folders and on the bundles. The chain must appear
// as flows seen from both ends and as case leads, the benign flows raise nothing above low, the PDF
// names every host and flow, the SVG every host, and the case bundle verifies with netcustody and the
// standard tools. Also: a host given twice, and another site's host with one of db's private addresses.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { netnsAvailable } from '../lab/netns.mjs';
import { CLI, runCli, tempDir } from '../helpers/cli.js';
import { createCaseLab, createOtherSite } from './lab.mjs';
import { makeTestPki, startTestTsa } from '../helpers/tsa-server.js';
import type { CaseFile } from '../../src/case/types.js';

const canNetns = netnsAvailable();
const CASE = 'CASE-LAB-17';
const SEV = ['info', 'low', 'medium', 'high', 'critical'];

describe.runIf(canNetns)('netcustody case on a four-host namespace lab', () => {
  let lab: Awaited<ReturnType<typeof createCaseLab>>;
  let site: ReturnType<typeof createOtherSite> | null = null;
  let work: string;
  let env: Record<string, string>;
  const folders: Record<string, string> = {};
  const bundles: Record<string, string> = {};
  let fromBundles: { json: any; file: CaseFile; stderr: string };

  async function collect(host: string, ns: string): Promise<string> {
    const r = await execa('ip', ['netns', 'exec', ns, 'unshare', '--uts', 'sh', '-c', 'hostname "$1" && shift && exec "$@"', 'sh', host, process.execPath, CLI, 'collect', '--out', join(work, 'out'), '--case', CASE, '--examiner', 'Lab Examiner', '--json'], { reject: false, stdin: 'ignore', env });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    return JSON.parse(String(r.stdout)).evidenceDir;
  }

  async function seal(host: string): Promise<void> {
    for (const step of [['analyze'], ['report'], ['bundle', '--json']]) {
      const r = await runCli([step[0], folders[host], ...step.slice(1)], { env });
      expect(r.exitCode, `${step[0]} ${host}: ${r.stderr}`).toBe(0);
      if (step[0] === 'bundle') bundles[host] = JSON.parse(r.stdout).bundle;
    }
  }

  async function runCase(sources: string[], extra: string[] = []): Promise<{ json: any; file: CaseFile; stderr: string; exitCode: number }> {
    const r = await runCli(['case', ...sources, '--case', CASE, '--out', join(work, 'cases'), '--examiner', 'Lab Examiner', '--json', ...extra], { env });
    if (r.exitCode !== 0) return { json: null, file: null as unknown as CaseFile, stderr: r.stderr, exitCode: r.exitCode };
    const json = JSON.parse(r.stdout);
    return { json, file: JSON.parse(readFileSync(join(json.caseDir, 'case.json'), 'utf8')), stderr: r.stderr, exitCode: 0 };
  }

  beforeAll(async () => {
    work = tempDir('nc-case-');
    env = { NETCUSTODY_HOME: join(work, 'home') };
    lab = await createCaseLab();
    folders.web = await collect('web', lab.ns.web);
    // The late connection closes after web was captured and before db is.
    lab.late.child.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 1500));
    folders.db = await collect('db', lab.ns.db);
    folders.file = await collect('file', lab.ns.file);
    for (const h of ['web', 'db', 'file']) await seal(h);
    const r = await runCase([bundles.web, bundles.db, bundles.file]);
    expect(r.exitCode, r.stderr).toBe(0);
    fromBundles = r;
  }, 600_000);
  afterAll(() => {
    site?.cleanup();
    lab?.cleanup();
  });

  const flowBetween = (file: CaseFile, client: string, server: string, port: number) => {
    const key = (name: string) => file.hosts.find((h) => h.name === name)!.key;
    return file.flows.filter((f) => f.client.host === key(client) && f.server.host === key(server) && f.server.port === port);
  };

  it('recognises each host by all its addresses (IPv4, IPv6, several interfaces), loopback excluded', () => {
    const { file } = fromBundles;
    const addrs = (name: string) => file.hosts.find((h) => h.name === name)!.addresses.map((a) => a.address);
    expect(addrs('web')).toEqual(expect.arrayContaining([lab.a.web4, lab.a.webToDb4, lab.a.web6]));
    expect(addrs('db')).toEqual(expect.arrayContaining([lab.a.db4, lab.a.db6, lab.a.dbToFile4]));
    expect(addrs('file')).toEqual(expect.arrayContaining([lab.a.file4]));
    for (const h of file.hosts) expect(h.addresses.map((a) => a.address).filter((a) => a.startsWith('127.') || a === '::1')).toEqual([]);
    expect(file.ambiguities).toEqual([]);
  });

  it('joins the chain as flows seen from both ends, with the processes of both sides', () => {
    const { file, json } = fromBundles;
    const ssh = flowBetween(file, 'web', 'db', 22);
    expect(ssh).toHaveLength(1);
    expect(ssh[0].seen).toBe('both');
    expect(ssh[0].client.process).toBe('ssh');
    expect(ssh[0].server.process).toBe('sshd');
    expect(ssh[0].server.pid).toBe(lab.pids.dbSshd);
    const smb = flowBetween(file, 'db', 'file', 445);
    expect(smb).toHaveLength(1);
    expect(smb[0].seen).toBe('both');
    expect(smb[0].client.pid).toBe(lab.pids.dbSmb);
    expect(smb[0].server.pid).toBe(lab.pids.fileSmbd);
    // IPv6 (web → db) and IPv4-mapped (file → db's dual-stack listener) benign flows, both ends.
    const pg = [...flowBetween(file, 'web', 'db', 5432), ...flowBetween(file, 'file', 'db', 5432)].filter((f) => f.seen === 'both');
    expect(pg.map((f) => f.client.pid).sort()).toEqual([lab.pids.phpFpm, lab.pids.pgDump].sort());
    expect(json.flows.total).toBe(file.flows.length);
    expect(json.flows.bothEnds).toBe(file.flows.filter((f) => f.seen === 'both').length);
    expect(json.flows.bothEnds).toBeGreaterThanOrEqual(5);
    // Every end on an examined host cites its own evidence line.
    for (const f of file.flows) for (const e of [f.client, f.server]) if (e.ref) expect(e.ref.line).toBeGreaterThan(0);
  });

  it('labels the connection that closed before db was captured as seen only from web', () => {
    const { file } = fromBundles;
    const late = file.flows.find((f) => f.client.pid === lab.pids.late)!;
    expect(late, JSON.stringify(file.flows, null, 1)).toBeDefined();
    expect(late.seen).toBe('client-only');
    expect(late.note).toMatch(/^seen only from web \(may have closed before db was captured; db was captured \d+ s after web/);
    expect(late.server.state).toBe('LISTEN');
    expect(late.server.pid).toBe(lab.pids.dbPostgres);
  });

  it('raises the chain as case leads citing both hosts\' evidence lines; benign flows stay at low or below', () => {
    const { file, json } = fromBundles;
    const key = (name: string) => file.hosts.find((h) => h.name === name)!.key;
    const peer = file.leads.filter((l) => l.rule === 'CASE-LEAD-PEER');
    const sshFlow = flowBetween(file, 'web', 'db', 22)[0];
    const smbFlow = flowBetween(file, 'db', 'file', 445)[0];
    for (const f of [sshFlow, smbFlow]) {
      const lead = peer.find((l) => l.flows.includes(f.id));
      expect(lead, `${f.id}: ${JSON.stringify(file.leads, null, 1)}`).toBeDefined();
      expect(SEV.indexOf(lead!.severity)).toBeGreaterThanOrEqual(SEV.indexOf('high'));
      expect(lead!.refs.map((r) => r.host).sort()).toEqual([f.client.host, f.server.host].sort());
      for (const r of lead!.refs) {
        const h = file.hosts.find((x) => x.key === r.host)!;
        expect(r.evidenceId).toBe(h.evidenceId);
        expect(r.artifact).toMatch(/^raw\//);
      }
    }
    const lateral = file.leads.find((l) => l.rule === 'CASE-LATERAL-ADMIN');
    expect(lateral?.hosts[0]).toBe(key('db'));
    expect(lateral?.hosts.slice(1).sort()).toEqual([key('web'), key('file')].sort());
    // Benign flows: php-fpm/pg_dump → postgres, and no lead above low on them.
    for (const f of file.flows.filter((x) => x.server.port === 5432)) {
      const above = file.leads.filter((l) => l.flows.includes(f.id) && SEV.indexOf(l.severity) > SEV.indexOf('low'));
      expect(above, f.id).toEqual([]);
    }
    expect(json.leads.length).toBe(file.leads.length);
    expect(json.leads[0]).toMatchObject({ id: 'C-001', rule: expect.any(String), severity: expect.any(String) });
  });

  it('prints a signed case report whose first pages tell the chain and show the diagram; pdftotext finds every host and flow', () => {
    const { json, file } = fromBundles;
    const text = execFileSync('pdftotext', ['-layout', json.report, '-'], { encoding: 'utf8' });
    for (const h of file.hosts) {
      expect(text).toContain(h.name);
      expect(text).toContain(h.evidenceId);
    }
    for (const f of file.flows) expect(text).toContain(f.id);
    const first = execFileSync('pdftotext', ['-f', '1', '-l', '3', '-layout', json.report, '-'], { encoding: 'utf8' });
    expect(first).toContain('The case in plain words');
    expect(first).toMatch(/bash/);
    expect(first).toContain('Diagram');
    const sig = execFileSync('pdfsig', [json.report], { encoding: 'utf8' });
    expect(sig).toContain('Signature is Valid.');
    expect(sig).toContain('Total document signed');
    // The SVG names every host and is well-formed XML.
    const svg = readFileSync(join(json.caseDir, 'case-graph.svg'), 'utf8');
    for (const h of file.hosts) expect(svg).toContain(`>${h.name}<`);
    execFileSync('python3', ['-c', 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])', join(json.caseDir, 'case-graph.svg')]);
    // Laid out by Graphviz (WebAssembly), kept only as the plain picture the report may print.
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" class="case-graph" /);
    expect(svg).not.toMatch(/<\?xml|<!DOCTYPE|<!--|href|<script|foreignObject/);
    for (const f of file.flows.filter((x) => !x.ambiguous)) expect(svg).toContain(f.id.replace('-', '&#45;'));
    expect(svg).toMatch(/\[HIGH\] CASE&#45;LEAD&#45;PEER C&#45;\d{3}/);
    expect(svg).toContain('seen only from web');
    const html = readFileSync(join(json.caseDir, 'report/report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script/i);
  });

  it('draws each host report\'s leads as a picture (lead process → its sockets), escaped, only when it has leads', () => {
    const web = readFileSync(join(folders.web, 'report/report.html'), 'utf8');
    const graph = /<svg[^>]*class="lead-graph"[\s\S]*?<\/svg>/.exec(web)?.[0];
    expect(graph).toBeDefined();
    expect(graph).toContain(`bash (PID ${lab.pids.webShell})`);
    expect(graph).toContain(`${lab.a.c2}:4444`);
    expect(graph).toMatch(/L-\d{3} CRITICAL/);
    const text = execFileSync('pdftotext', ['-f', '1', '-l', '3', '-layout', join(folders.web, 'report/report.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain(`bash (PID ${lab.pids.webShell})`);
  });

  it('makes a case bundle with the host bundles unchanged that verify and the standard tools accept', async () => {
    const { json, file } = fromBundles;
    expect(json.bundle).toMatch(/\.zip$/);
    const v = await runCli(['verify', json.bundle, '--json'], { env });
    expect(v.exitCode, v.stdout).toBe(0);
    const checks = JSON.parse(v.stdout).checks.map((c: { id: string }) => c.id);
    expect(checks).toContain('host-bundles');
    const x = join(work, 'unzipped');
    mkdirSync(x);
    execFileSync('unzip', ['-q', json.bundle, '-d', x]);
    execFileSync('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], { cwd: x });
    execFileSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'manifest.sig', '-content', 'SHA256SUMS', '-CAfile', 'examiner-cert.pem', '-purpose', 'any', '-out', '/dev/null'], { cwd: x, stdio: 'pipe' });
    expect(execFileSync('pdfsig', ['report/report.pdf'], { cwd: x, encoding: 'utf8' })).toContain('Total document signed');
    for (const h of file.hosts) {
      const original = { web: bundles.web, db: bundles.db, file: bundles.file }[h.name as 'web']!;
      expect(readFileSync(join(x, h.bundle!.file)).equals(readFileSync(original))).toBe(true);
    }
    // The case folder verifies too (its custody log records the zip).
    const vf = await runCli(['verify', json.caseDir], { env });
    expect(vf.exitCode, vf.stdout).toBe(0);
  });

  it('a host bundle changed inside the case fails verify, naming it under members and host-bundles', async () => {
    const copy = join(work, 'tampered-case');
    execFileSync('cp', ['-a', fromBundles.json.caseDir, copy]);
    const member = fromBundles.file.hosts[1].bundle!.file;
    const bytes = readFileSync(join(copy, member));
    bytes[bytes.length - 30] ^= 0x01;
    writeFileSync(join(copy, member), bytes);
    const v = await runCli(['verify', copy, '--json'], { env });
    expect(v.exitCode).toBe(3);
    const failed = JSON.parse(v.stdout).checks.filter((c: { ok: boolean }) => !c.ok);
    expect(failed.map((c: { id: string }) => c.id).sort()).toEqual(['host-bundles', 'members']);
    for (const c of failed) expect(c.failures[0].member).toBe(member);
  });

  it('gives the same flows and leads from the evidence folders', async () => {
    const r = await runCase([folders.web, folders.db, folders.file]);
    expect(r.exitCode, r.stderr).toBe(0);
    const shape = (f: CaseFile) => ({ flows: f.flows.map((x) => [x.id, x.seen, x.client.pid, x.server.pid]), leads: f.leads.map((l) => [l.rule, l.severity, l.flows]) });
    expect(shape(r.file)).toEqual(shape(fromBundles.file));
    expect(r.json.bundle).toMatch(/\.zip$/);
    // Graphviz lays the same case out the same way in another process: the same SVG bytes.
    expect(readFileSync(join(r.json.caseDir, 'case-graph.svg'), 'utf8')).toBe(readFileSync(join(fromBundles.json.caseDir, 'case-graph.svg'), 'utf8'));
  }, 300_000);

  it('publishes the case report as a pair and leaves no browser behind, also when the case fails after Chromium started', async () => {
    const tmp = join(work, 'tmp-ok');
    mkdirSync(tmp);
    const ok = await runCli(['case', folders.web, folders.db, '--case', CASE, '--out', join(work, 'cases'), '--examiner', 'Lab Examiner', '--json'], { env: { ...env, TMPDIR: tmp } });
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(readdirSync(join(JSON.parse(ok.stdout).caseDir, 'report')).sort()).toEqual(['report.html', 'report.pdf']);
    expect(readdirSync(tmp)).toEqual([]);
    // --out is a file: the case folder cannot be made, after the sources were read and Chromium spawned.
    const tmpFail = join(work, 'tmp-fail');
    mkdirSync(tmpFail);
    const notDir = join(work, 'not-a-folder');
    writeFileSync(notDir, 'x');
    const bad = await runCli(['case', folders.web, folders.db, '--case', CASE, '--out', notDir, '--examiner', 'Lab Examiner'], { env: { ...env, TMPDIR: tmpFail } });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(tmpFail)).toEqual([]);
    const left = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(tmpFail));
    expect(left).toEqual([]);
  }, 300_000);

  it('refuses a bundle that fails verification, naming the check', async () => {
    const bad = join(work, 'bad.zip');
    const bytes = readFileSync(bundles.file);
    // One byte of a member's data changed: the zip structure check (CRC) or the member hashes fail.
    bytes[Math.floor(bytes.length / 3)] ^= 0xff;
    writeFileSync(bad, bytes);
    const r = await runCli(['case', bundles.web, bad, '--case', CASE, '--out', join(work, 'cases'), '--examiner', 'Lab Examiner'], { env });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/bad\.zip: refused: the bundle fails verification: (zip-structure|members)/);
    expect(r.stderr.match(/error:/g)).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('says a host given twice is one host, and an address two sites share is ambiguous instead of guessing', async () => {
    const twice = await runCase([bundles.web, bundles.db, bundles.web]);
    expect(twice.exitCode, twice.stderr).toBe(0);
    expect(twice.file.hosts).toHaveLength(2);
    expect(twice.file.ambiguities.map((a) => a.kind)).toEqual(['host-given-twice']);
    expect(twice.file.ambiguities[0].detail).toContain('is the same evidence as');

    site = createOtherSite(lab);
    await site.start();
    const other = await collect('db', site.ns);
    const unanalysed = await runCase([folders.web, other]);
    expect(unanalysed.exitCode).toBe(2);
    expect(unanalysed.stderr).toContain('not analysed (parsed/connections.json is missing)');
    expect((await runCli(['analyze', other], { env })).exitCode).toBe(0);
    const r = await runCase([folders.web, folders.db, folders.file, other]);
    expect(r.exitCode, r.stderr).toBe(0);
    const kinds = r.file.ambiguities.map((a) => a.kind).sort();
    expect(kinds).toEqual(['same-host-name', 'shared-address']);
    expect(r.file.ambiguities.find((a) => a.kind === 'shared-address')!.detail).toContain(lab.a.db4);
    // web's ssh to db4 is joined to db only because db printed its other end (the other site did not).
    const ssh = r.file.flows.filter((f) => f.client.pid === lab.pids.webSsh);
    expect(ssh).toHaveLength(1);
    expect(ssh[0].seen).toBe('both');
    expect(ssh[0].server.pid).toBe(lab.pids.dbSshd);
    expect(ssh[0].note).toContain('because only it printed the other end');
    // The connection web held to db4:5432, closed before the captures of db: no host printed its other
    // end, so it is joined to neither db nor the other site's host, and no lead rests on it.
    const late = r.file.flows.filter((f) => f.client.pid === lab.pids.late);
    expect(late).toHaveLength(1);
    expect(late[0].server.host).toBeNull();
    expect(late[0].ambiguous).toContain(`${lab.a.db4} is an address of db, db (2)`);
    expect(r.file.leads.filter((l) => l.flows.includes(late[0].id))).toEqual([]);
    const text = execFileSync('pdftotext', ['-layout', r.json.report, '-'], { encoding: 'utf8' });
    expect(text).toContain('not joined to either host');
    // The other site's host was a folder never bundled: no case bundle, said so.
    expect(r.json.bundle).toBeNull();
    expect(r.stderr).toContain('no case bundle');
  }, 300_000);

  // Last: it adds manifest.tsr and a custody event to the case folder the tests above read.
  it('timestamp adds an RFC 3161 token to the case bundle that verify and openssl accept', async () => {
    const pki = makeTestPki();
    const tsa = await startTestTsa('ok', pki);
    try {
      const t = await runCli(['timestamp', fromBundles.json.bundle, '--tsa', tsa.url, '--tsa-ca', pki.caFile, '--json'], { env });
      expect(t.exitCode, t.stderr).toBe(0);
      const stamped = JSON.parse(t.stdout).bundle as string;
      expect(stamped).not.toBe(fromBundles.json.bundle);
      const v = await runCli(['verify', stamped, '--tsa-ca', pki.caFile], { env });
      expect(v.exitCode, v.stdout).toBe(0);
      expect(v.stdout).toContain('manifest.tsr (over SHA256SUMS): valid');
      const x = join(work, 'stamped');
      mkdirSync(x);
      execFileSync('unzip', ['-q', stamped, '-d', x]);
      execFileSync('openssl', ['ts', '-verify', '-data', 'SHA256SUMS', '-in', 'manifest.tsr', '-CAfile', pki.caFile], { cwd: x, stdio: 'pipe' });
      // The case folder is sealed by `case`, not by bundle: timestamp points at its zip.
      const f = await runCli(['timestamp', fromBundles.json.caseDir, '--tsa', tsa.url, '--tsa-ca', pki.caFile], { env });
      expect(f.exitCode).toBe(2);
      expect(f.stderr).toContain('a case folder: time-stamp its case bundle');
    } finally {
      await tsa.close();
    }
  });
});

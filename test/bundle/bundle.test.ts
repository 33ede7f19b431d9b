import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCustody, verifyCustodyFile } from '../../src/evidence/custody.js';
import { PATHS, readAcquisition } from '../../src/evidence/folder.js';
import { createBundle, expectedBundleName, formatVerifyReport, verificationCommands, verifyEvidence, type BundleResult } from '../../src/bundle/index.js';
import { writeDeterministicZip } from '../../src/bundle/zip-write.js';
import { makeEvidence, openLab, type Lab } from './fixture.js';

let lab: Lab;
let dir: string;
let bundle: BundleResult;

beforeAll(async () => {
  lab = await openLab();
  dir = await makeEvidence(lab, 'out');
  bundle = await createBundle(dir, {});
}, 60_000);
afterAll(async () => lab?.close());

function sh(cmd: string, cwd: string): { status: number | null; out: string } {
  const r = spawnSync('sh', ['-c', cmd], { cwd, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

function zipInfo(zip: string): { name: string; date: number[]; mode: number; isDir: boolean }[] {
  const py = 'import sys,zipfile,json\nz=zipfile.ZipFile(sys.argv[1])\nprint(json.dumps([{"name":i.filename,"date":list(i.date_time),"mode":i.external_attr>>16,"isDir":i.is_dir()} for i in z.infolist()]))';
  return JSON.parse(execFileSync('python3', ['-c', py, zip], { encoding: 'utf8' }));
}

describe('createBundle', () => {
  it('names the zip <case>_<host>_<time>.zip beside the evidence folder and writes <zip>.sha256', () => {
    expect(dirname(bundle.zipPath)).toBe(dirname(dir));
    expect(basename(bundle.zipPath)).toMatch(/^CASE-2024-017_web01.example_\d{8}T\d{6}Z\.zip$/);
    expect(expectedBundleName(readAcquisition(dir), readCustody(dir))).toBe(basename(bundle.zipPath));
    expect(readFileSync(bundle.sha256Path, 'utf8')).toBe(`${bundle.sha256}  ${basename(bundle.zipPath)}\n`);
    expect(sh(`sha256sum -c ${basename(bundle.sha256Path)}`, dirname(bundle.zipPath)).status).toBe(0);
    expect(bundle.signer.subject).toContain('CN=Jane Doe');
    expect(bundle.signer.selfSigned).toBe(true);
  });

  it('holds every file of the folder plus the seal, sorted, one timestamp, mode 0644, no directories', () => {
    const info = zipInfo(bundle.zipPath);
    const names = info.map((i) => i.name);
    expect(names).toEqual([...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    for (const required of [PATHS.acquisition, PATHS.custody, PATHS.findings, PATHS.connections, PATHS.reportHtml, PATHS.reportPdf, PATHS.sums, PATHS.manifest, PATHS.manifestSig, PATHS.certificate]) {
      expect(names).toContain(required);
    }
    expect(names.filter((n) => n.startsWith('raw/'))).toHaveLength(2);
    expect(info.every((i) => !i.isDir && i.mode === 0o100644)).toBe(true);
    expect(new Set(info.map((i) => i.date.join('-'))).size).toBe(1);
    expect(bundle.members).toBe(info.length);
  });

  it('passes unzip -t, sha256sum -c, openssl cms -verify and pdfsig: the printed verification commands', () => {
    const commands = verificationCommands(basename(bundle.zipPath));
    expect(commands.some((c) => c.startsWith('openssl cms -verify'))).toBe(true);
    const r = sh(commands.join(' && '), dirname(bundle.zipPath));
    expect(r.out).toContain('No errors detected');
    expect(r.out).toMatch(/raw\/.*: OK/);
    expect(r.out).not.toMatch(/FAILED/);
    expect(r.out).toContain('CMS Verification successful');
    expect(r.out).toContain('Signature is Valid');
    expect(r.out).toContain('Total document signed');
    expect(r.status).toBe(0);
  });

  it('SHA256SUMS lists every file except the seal; manifest.json carries the same hashes and the case', () => {
    const sums = readFileSync(join(dir, PATHS.sums), 'utf8').trim().split('\n');
    const listed = sums.map((l) => l.slice(66));
    expect(listed).not.toContain(PATHS.sums);
    expect(listed).not.toContain(PATHS.manifestSig);
    expect(listed).toContain(PATHS.custody);
    const manifest = JSON.parse(readFileSync(join(dir, PATHS.manifest), 'utf8'));
    expect(manifest.files.map((f: { path: string }) => f.path)).toEqual(listed);
    expect(manifest.case.caseId).toBe('CASE-2024/017');
    expect(manifest.tool.name).toBe('netcustody');
    // No made-up signing time: the attribute is left out (openssl cms -cmsout -print shows none).
    expect(manifest.signature.signingTime).toBeNull();
    const printed = execFileSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', join(dir, PATHS.manifestSig)], { encoding: 'utf8' });
    expect(printed).toContain('messageDigest');
    expect(printed).not.toContain('signingTime');
  });

  it('records the bundle (who, when, the zip SHA-256) in the folder log after the zip; the zip log ends before', async () => {
    const events = readCustody(dir);
    const last = events[events.length - 1];
    expect(last.action).toBe('bundle created');
    expect(last.sha256).toBe(bundle.sha256);
    expect(last.actor).toBe('Jane Doe');
    expect(verifyCustodyFile(dir).ok).toBe(true);
    const inZip = execFileSync('unzip', ['-p', bundle.zipPath, PATHS.custody], { encoding: 'utf8' });
    expect(inZip.trim().split('\n')).toHaveLength(events.length - 1);
    // The folder still verifies: its log only grew after the sealed part.
    const folderReport = await verifyEvidence(dir);
    expect(folderReport.checks.map((c) => [c.id, c.ok, c.failures])).toEqual(folderReport.checks.map((c) => [c.id, true, []]));
    expect(folderReport.checks.find((c) => c.id === 'members')?.detail).toContain('1 event(s) appended after sealing');
  });

  it('verifies the zip: every check passes', async () => {
    const r = await verifyEvidence(bundle.zipPath);
    expect(r.checks.map((c) => c.id)).toEqual(['zip-structure', 'members', 'manifest-signature', 'pdf-signature', 'signer', 'timestamps', 'custody-chain', 'artifact-hashes', 'report-pair']);
    expect(r.checks.filter((c) => !c.ok)).toEqual([]);
    expect(r.ok).toBe(true);
    // The real report prints each artifact's hash (inventory, custody log, appendix): all were compared.
    expect(r.checks.find((c) => c.id === 'artifact-hashes')!.detail).toMatch(/^2 artifacts recorded in acquisition.json, [6-9] hashes printed in report.html$/);
    const text = formatVerifyReport(r);
    // A line per check, the signer's subject, fingerprint and trust, the trusted time (none), and the result.
    expect(text.trim().split('\n')).toHaveLength(15);
    expect(text).toMatch(/^TIME {4}no trusted timestamp/m);
    expect(text).toMatch(/^SIGNER  CN=Jane Doe, O=Forensic Lab/m);
    expect(text).toMatch(/NOT TRUSTED: self-signed, compare the fingerprint ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    expect(text).toMatch(/RESULT: PASS/);
  });
});

describe('determinism and never overwriting', () => {
  it('two identical copies of a folder give byte-identical zips', async () => {
    const source = await makeEvidence(lab, 'det');
    const copyA = join(lab.root, 'detA', 'case', basename(source));
    const copyB = join(lab.root, 'detB', 'case', basename(source));
    cpSync(source, copyA, { recursive: true });
    cpSync(source, copyB, { recursive: true });
    const a = await createBundle(copyA, {});
    const b = await createBundle(copyB, {});
    expect(basename(a.zipPath)).toBe(basename(b.zipPath));
    expect(readFileSync(a.zipPath).equals(readFileSync(b.zipPath))).toBe(true);
    expect(a.sha256).toBe(b.sha256);
  });

  it('bundling the same folder again reuses the seal, gives the same bytes under a new name', async () => {
    const again = await createBundle(dir, {});
    expect(again.sealReused).toBe(true);
    expect(basename(again.zipPath)).toBe(basename(bundle.zipPath).replace(/\.zip$/, '-2.zip'));
    expect(again.sha256).toBe(bundle.sha256);
    expect(readFileSync(bundle.sha256Path, 'utf8')).toContain(bundle.sha256);
    const events = readCustody(dir).filter((e) => e.action === 'bundle created');
    expect(events).toHaveLength(2);
  });

  it('re-seals when the folder changed after sealing', async () => {
    const source = await makeEvidence(lab, 'reseal');
    const first = await createBundle(source, {});
    cpSync(join(source, PATHS.findings), join(source, 'parsed', 'findings-copy.json'));
    const second = await createBundle(source, {});
    expect(second.sealReused).toBe(false);
    expect(second.sha256).not.toBe(first.sha256);
    expect((await verifyEvidence(second.zipPath)).ok).toBe(true);
  });

  it('writes into --out and refuses an output folder inside the evidence', async () => {
    const out = join(lab.root, 'elsewhere');
    mkdirSync(out);
    const r = await createBundle(dir, { outDir: out });
    expect(dirname(r.zipPath)).toBe(out);
    expect(readdirSync(out).sort()).toEqual([basename(r.zipPath), `${basename(r.zipPath)}.sha256`]);
    await expect(createBundle(dir, { outDir: join(dir, 'raw') })).rejects.toThrow(/inside the evidence folder/);
  });

  it('aborts and leaves no zip when a member changes while it is being bundled', async () => {
    const zip = join(lab.root, 'changed.zip');
    const members = [{ name: 'a.txt', source: { bytes: Buffer.from('now') }, sha256: '0'.repeat(64) }];
    await expect(writeDeterministicZip(zip, members, new Date())).rejects.toThrow(/a.txt changed while it was being bundled/);
    expect(existsSync(zip)).toBe(false);
  });

  it('refuses to seal a folder whose custody log is broken', async () => {
    const source = await makeEvidence(lab, 'broken');
    const log = readFileSync(join(source, PATHS.custody), 'utf8').split('\n');
    [log[0], log[1]] = [log[1], log[0]];
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(source, PATHS.custody), log.join('\n'));
    await expect(createBundle(source, {})).rejects.toThrow(/custody log is broken at line 1/);
    expect(existsSync(join(source, PATHS.sums))).toBe(false);
  });
});

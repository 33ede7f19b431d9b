// `netcustody verify` and the README's standard-tool commands must agree on every tamper case: both
// pass the genuine bundle, both fail a tampered one — or, where a standard tool cannot see the defect
// (a zip-structure trick), the README names the check that catches it and verify fails. The commands
// are taken from README.md itself, so the README cannot drift from what is tested.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PATHS } from '../../src/evidence/folder.js';
import { sha256Hex } from '../../src/evidence/files.js';
import { signPdf } from '../../src/report/pdf-sign.js';
import { loadIdentity, signDetachedCms } from '../../src/signing/index.js';
import { createBundle, type BundleResult } from '../../src/bundle/index.js';
import { CLI, REPO } from '../helpers/cli.js';
import { appendOverlay } from '../report/hostile-update.js';
import { makeEvidence, openLab, type Lab } from './fixture.js';
import { flipByte, rezip } from './rezip.js';
import { buildZip, endRecord, type RawEntry } from './zip-bytes.js';

let lab: Lab;
let bundle: BundleResult;
let members: RawEntry[];
let genuineRebuilt: string;
let n = 0;

beforeAll(async () => {
  lab = await openLab();
  bundle = await createBundle(await makeEvidence(lab, 'out'), {});
  // Every member in one Python call (one process per member is slow on a loaded machine).
  const script = 'import sys,zipfile,json,base64;z=zipfile.ZipFile(sys.argv[1]);print(json.dumps([[i.filename,base64.b64encode(z.read(i)).decode()] for i in z.infolist()]))';
  const listed = JSON.parse(spawnSync('python3', ['-c', script, bundle.zipPath], { encoding: 'utf8', maxBuffer: 1 << 30 }).stdout) as [string, string][];
  members = listed.map(([name, b64]) => ({ name, data: Buffer.from(b64, 'base64') }));
  genuineRebuilt = rebuilt();
}, 90_000);
afterAll(async () => lab?.close());

/** The README's command block of "bundle and verify", one command per line. */
function readmeCommands(): string[] {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### bundle and verify'));
  const block = /```(?:sh|bash)\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README: no command block in "bundle and verify"');
  return block[1].split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
}

interface ToolVerdict {
  ok: boolean;
  /** The first command that failed (or what pdfsig showed). */
  failedAt: string | null;
}

/** Run the README's commands on a copy of the zip in a fresh folder, as an examiner would. */
function standardTools(zip: string): ToolVerdict {
  const dir = mkdtempSync(join(lab.root, 'std-'));
  copyFileSync(zip, join(dir, 'bundle.zip'));
  const lines = readmeCommands();
  const pdfsigLine = lines.find((l) => l.startsWith('pdfsig'))!;
  const shell = lines.filter((l) => l !== pdfsigLine);
  // Each command must succeed, in order (the README says so).
  const script = `set -e -o pipefail\n${shell.map((l) => `${l} || { echo "FAILED: ${l.replace(/["$`\\]/g, '')}" >&2; exit 1; }`).join('\n')}\n${pdfsigLine}\n`;
  const r = spawnSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0 && !/Signature #1/.test(r.stdout)) return { ok: false, failedAt: /FAILED: (.*)/.exec(r.stderr)?.[1] ?? `exit ${r.status}: ${r.stderr.slice(0, 200)}` };
  // README: exactly one signature, valid, over the total document.
  const pdf = r.stdout;
  if (/Signature #2/.test(pdf)) return { ok: false, failedAt: 'pdfsig: more than one signature' };
  if (!pdf.includes('Signature is Valid.')) return { ok: false, failedAt: 'pdfsig: signature not valid' };
  if (!pdf.includes('Total document signed')) return { ok: false, failedAt: 'pdfsig: not total document signed' };
  return { ok: r.status === 0, failedAt: r.status === 0 ? null : `exit ${r.status}` };
}

function netcustodyVerify(zip: string): { exitCode: number; out: string } {
  const r = spawnSync(process.execPath, [CLI, 'verify', zip], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { exitCode: r.status ?? -1, out: r.stdout + r.stderr };
}

const member = (name: string): Buffer => members.find((m) => m.name === name)!.data;
const rawName = (): string => members.find((m) => m.name.startsWith('raw/'))!.name;

function tampered(ops: Parameters<typeof rezip>[2]): string {
  const out = join(lab.root, `t-${++n}.zip`);
  rezip(bundle.zipPath, out, ops);
  return out;
}

/** The bundle's members rewritten byte by byte (zip-bytes.ts), with extra entries and layout tricks. */
function rebuilt(extra: RawEntry[] = [], layout: Parameters<typeof buildZip>[1] = {}): string {
  const out = join(lab.root, `r-${++n}.zip`);
  writeFileSync(out, buildZip([...members, ...extra], layout));
  return out;
}

type Case = [name: string, make: () => string | Promise<string>, onlyVerify?: string];

const cases: Case[] = [
  ['a raw artifact changed', () => tampered({ replace: { [rawName()]: flipByte(member(rawName()), 10) } })],
  ['findings.json changed', () => tampered({ replace: { [PATHS.findings]: flipByte(member(PATHS.findings), 5) } })],
  ['a custody line removed', () => {
    const lines = member(PATHS.custody).toString('utf8').split('\n');
    lines.splice(2, 1);
    return tampered({ replace: { [PATHS.custody]: Buffer.from(lines.join('\n')) } });
  }],
  ['the PDF changed inside its signed range', () => tampered({ replace: { [PATHS.reportPdf]: flipByte(member(PATHS.reportPdf), 2000) } })],
  ['bytes appended to the PDF', () => tampered({ replace: { [PATHS.reportPdf]: Buffer.concat([member(PATHS.reportPdf), Buffer.from('\n% later\n')]) } })],
  ['a PDF update (overlay + second signature), SHA256SUMS left alone', async () => {
    const mallory = await loadIdentity({ examiner: 'Mallory', configDir: join(lab.root, 'mallory') });
    return tampered({ replace: { [PATHS.reportPdf]: signPdf(appendOverlay(member(PATHS.reportPdf)), mallory).pdf } });
  }],
  ['a member added', () => tampered({ add: { 'raw/99-planted.txt': Buffer.from('planted\n') } })],
  ['a member removed', () => tampered({ remove: [PATHS.connections] })],
  ['SHA256SUMS and manifest.json edited to match a changed file', () => {
    const findings = flipByte(member(PATHS.findings), 5);
    const edit = (b: Buffer): Buffer => Buffer.from(b.toString('utf8').replace(sha256Hex(member(PATHS.findings)), sha256Hex(findings)));
    return tampered({ replace: { [PATHS.findings]: findings, [PATHS.sums]: edit(member(PATHS.sums)), [PATHS.manifest]: edit(member(PATHS.manifest)) } });
  }],
  ['manifest.sig replaced by another key\'s signature', async () => {
    const mallory = await loadIdentity({ examiner: 'Mallory', configDir: join(lab.root, 'mallory') });
    return tampered({ replace: { [PATHS.manifestSig]: signDetachedCms(member(PATHS.sums), mallory, { signingTime: new Date() }) } });
  }],
  ['the zip truncated', () => {
    const zip = join(lab.root, `trunc-${++n}.zip`);
    copyFileSync(bundle.zipPath, zip);
    truncateSync(zip, Math.floor(readFileSync(zip).length * 0.7));
    return zip;
  }],
  ['a symbolic link member made on host 16 (BeOS)', () => rebuilt([{ name: 'raw/zz-link', data: Buffer.from('/etc'), method: 0, versionMadeBy: (16 << 8) | 20, externalAttributes: (0o120777 << 16) >>> 0 }])],
  ['junk bytes between members', () => rebuilt([], { after: { 2: Buffer.from('hidden words between members') } }), 'bytes that belong to no member'],
  ['junk before the first member', () => rebuilt([], { prefix: Buffer.from('#!/bin/sh\n') }), 'bytes that belong to no member'],
  ['a fake end record in the zip comment', () => {
    const zip = readFileSync(genuineRebuilt);
    const end = zip.length - 22;
    const fake = endRecord(zip.readUInt16LE(end + 10), zip.readUInt32LE(end + 12), zip.readUInt32LE(end + 16));
    const out = join(lab.root, `fake-${++n}.zip`);
    writeFileSync(out, Buffer.concat([zip.subarray(0, end), endRecord(zip.readUInt16LE(end + 10), zip.readUInt32LE(end + 12), zip.readUInt32LE(end + 16), fake)]));
    return out;
  }, 'a second end record'],
  ['a member whose local header names another file', () => rebuilt([{ name: 'raw/zz-a.txt', data: Buffer.from('a\n'), local: { name: 'raw/zz-b.txt' } }]), 'local headers that disagree with the central directory'],
];

describe('verify and the README\'s standard tools agree', () => {
  it('both pass the genuine bundle, and the bundle rewritten byte by byte', () => {
    expect(netcustodyVerify(bundle.zipPath).exitCode).toBe(0);
    expect(standardTools(bundle.zipPath)).toEqual({ ok: true, failedAt: null });
    expect(netcustodyVerify(genuineRebuilt).exitCode).toBe(0);
    expect(standardTools(genuineRebuilt)).toEqual({ ok: true, failedAt: null });
  }, 60_000);

  for (const [name, make, onlyVerify] of cases) {
    it(`${name}: both fail${onlyVerify ? ' (or the README names the check)' : ''}`, async () => {
      const zip = await make();
      const verify = netcustodyVerify(zip);
      expect(verify.exitCode, verify.out).toBe(3);
      const tools = standardTools(zip);
      console.log(`${name}: verify exit 3; standard tools ${tools.ok ? 'PASS' : `fail at: ${tools.failedAt}`}`);
      if (!tools.ok) return;
      // A standard tool cannot see this one: the README must say which check of verify does.
      expect(onlyVerify, `standard tools passed "${name}"`).toBeDefined();
      const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
      expect(readme).toContain(onlyVerify!);
      expect(verify.out).toMatch(/^FAIL  zip-structure/m);
    }, 60_000);
  }
});

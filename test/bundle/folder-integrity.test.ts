// Issue 11 items 7, 8 and 9 on real evidence: unrecorded raw files and temporary files are refused
// by bundle and failed by verify; report.html and report.pdf must be one published report; a
// folder's custody log after sealing is tied to the seal and to the zips it names.
import { cpSync, readFileSync, renameSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCustody } from '../../src/evidence/custody.js';
import { sha256Hex } from '../../src/evidence/files.js';
import { PATHS } from '../../src/evidence/folder.js';
import { formatSums, parseSums } from '../../src/bundle/members.js';
import { signDetachedCms } from '../../src/signing/index.js';
import { buildReport } from '../../src/report/index.js';
import { createBundle, formatVerifyReport, verifyEvidence, type BundleResult, type CheckId, type VerifyReport } from '../../src/bundle/index.js';
import { makeEvidence, openLab, type Lab } from './fixture.js';
import { listMembers, readMember, rezip, type RezipOps } from './rezip.js';

let lab: Lab;
let dir: string;
let bundle: BundleResult;
let n = 0;

beforeAll(async () => {
  lab = await openLab();
  dir = await makeEvidence(lab, 'out');
  bundle = await createBundle(dir, {});
}, 90_000);
afterAll(async () => lab?.close());

const failed = (r: VerifyReport): CheckId[] => r.checks.filter((c) => !c.ok).map((c) => c.id);
const reasons = (r: VerifyReport, id: CheckId): string => r.checks.find((c) => c.id === id)!.failures.map((f) => `${f.member ?? ''}: ${f.reason}`).join('\n');

function copyFolder(): string {
  const copy = join(lab.root, `copy-${++n}`, 'CASE', 'web01_20240501T100000Z');
  cpSync(dir, copy, { recursive: true });
  for (const f of [PATHS.sums, PATHS.manifest, PATHS.manifestSig, PATHS.certificate]) rmSync(join(copy, f));
  return copy;
}

/**
 * What the old `bundle` did with such a folder: a zip whose SHA256SUMS, manifest.json and
 * manifest.sig (signed with the examiner's own key) cover the changed members, so that the members
 * and signature checks pass and only the new checks can tell.
 */
function resealed(ops: RezipOps): string {
  const tmp = join(lab.root, `reseal-${++n}.zip`);
  rezip(bundle.zipPath, tmp, ops);
  const seal = [PATHS.sums, PATHS.manifest, PATHS.manifestSig, PATHS.certificate];
  const members = memberHashes(tmp).filter((m) => !seal.includes(m.path));
  const sums = Buffer.from(formatSums(members));
  const manifest = JSON.parse(readMember(tmp, PATHS.manifest).toString('utf8'));
  manifest.files = parseSums(sums.toString()).entries.map((e) => ({ ...e, bytes: members.find((m) => m.path === e.path)!.bytes }));
  manifest.sha256sumsSha256 = sha256Hex(sums);
  const out = join(lab.root, `resealed-${n}.zip`);
  rezip(tmp, out, {
    replace: { [PATHS.sums]: sums, [PATHS.manifest]: Buffer.from(JSON.stringify(manifest, null, 2)), [PATHS.manifestSig]: signDetachedCms(sums, lab.identity, { signingTime: null }) },
  });
  return out;
}

/** Every member's SHA-256 and size, read by Python's zipfile in one process. */
function memberHashes(zip: string): { path: string; sha256: string; bytes: number }[] {
  const py = 'import sys,zipfile,json,hashlib\nz=zipfile.ZipFile(sys.argv[1])\nprint(json.dumps([{"path":i.filename,"sha256":hashlib.sha256(z.read(i)).hexdigest(),"bytes":i.file_size} for i in z.infolist()]))';
  return JSON.parse(execFileSync('python3', ['-c', py, zip], { encoding: 'utf8', maxBuffer: 1 << 26 }));
}

describe('item 7: unrecorded raw files and temporary files', () => {
  it('bundle refuses a file planted in raw/ and the copy a failed import left, naming both', async () => {
    const copy = copyFolder();
    writeFileSync(join(copy, 'raw/99-planted.txt'), 'planted\n');
    writeFileSync(join(copy, 'raw/03-import-status'), 'half an import\n');
    await expect(createBundle(copy, { outDir: join(lab.root, 'zips-7a') })).rejects.toThrow(
      /cannot bundle .*raw\/03-import-status \(not recorded in acquisition\.json\); raw\/99-planted\.txt \(not recorded in acquisition\.json\)/,
    );
  });

  it('bundle refuses a raw file acquisition.json records but no custody event does', async () => {
    const copy = copyFolder();
    const log = readFileSync(join(copy, PATHS.custody), 'utf8').split('\n');
    const raw = readCustody(copy).find((e) => e.action === 'artifact imported')!;
    // Rebuild the chain without that event so only the missing record is wrong.
    const kept = log.filter((l) => l && !l.includes(`"object":"${raw.object}"`));
    let prev = '0'.repeat(64);
    const rebuilt = kept.map((l, i) => {
      const e = JSON.parse(l);
      e.seq = i + 1;
      e.prev = prev;
      const line = JSON.stringify(e);
      prev = sha256Hex(line);
      return line;
    });
    writeFileSync(join(copy, PATHS.custody), `${rebuilt.join('\n')}\n`);
    await expect(createBundle(copy, { outDir: join(lab.root, 'zips-7b') })).rejects.toThrow(new RegExp(`${raw.object} \\(no custody event records it`));
  });

  it('bundle refuses temporary files of a live run, and a dead run\'s are removed and logged before sealing', async () => {
    const copy = copyFolder();
    writeFileSync(join(copy, `parsed/connections.json.tmp-${process.pid}`), '[');
    await expect(createBundle(copy, { outDir: join(lab.root, 'zips-7c') })).rejects.toThrow(/temporary file\(s\) of an interrupted run: parsed\/connections\.json\.tmp-\d+/);
    rmSync(join(copy, `parsed/connections.json.tmp-${process.pid}`));
    // PID 4194303 is above every PID this machine hands out (pid_max is at most 2^22): a dead run.
    writeFileSync(join(copy, 'parsed/routes.json.tmp-4194303'), '[');
    const made = await createBundle(copy, { outDir: join(lab.root, 'zips-7c') });
    expect(listMembers(made.zipPath).some((m) => m.includes('.tmp-'))).toBe(false);
    const removed = readCustody(copy).find((e) => e.action === 'temporary files removed')!;
    expect(removed.details).toMatchObject({ files: ['parsed/routes.json.tmp-4194303'] });
    expect((await verifyEvidence(made.zipPath)).ok).toBe(true);
  });

  it('verify FAILs a sealed raw member nothing records ("0 artifacts recorded" passed before)', async () => {
    const r = await verifyEvidence(resealed({ add: { 'raw/99-planted.txt': Buffer.from('planted\n') } }));
    expect(failed(r)).toEqual(['artifact-hashes']);
    expect(reasons(r, 'artifact-hashes')).toContain('raw/99-planted.txt: raw member not recorded in acquisition.json');
  });

  it('verify FAILs a sealed temporary file', async () => {
    const r = await verifyEvidence(resealed({ add: { 'parsed/connections.json.tmp-4242': Buffer.from('[') } }));
    expect(failed(r)).toEqual(['members']);
    expect(formatVerifyReport(r)).toContain('parsed/connections.json.tmp-4242: temporary file of an interrupted run');
  });
});

describe('item 8: report.html and report.pdf are one report', () => {
  it('a new html beside an old pdf (a run killed between the two renames): bundle refuses, verify FAILs', async () => {
    const copy = copyFolder();
    const oldPdf = readFileSync(join(copy, PATHS.reportPdf));
    const second = await buildReport(copy, { browser: lab.printer, now: new Date('2024-05-02T10:00:00Z') });
    expect(readCustody(copy).at(-1)).toMatchObject({ action: 'report published', details: { reportId: second.reportId, html: { sha256: second.htmlSha256 }, pdf: { sha256: second.pdfSha256 } } });
    writeFileSync(join(copy, PATHS.reportPdf), oldPdf);
    await expect(createBundle(copy, { outDir: join(lab.root, 'zips-8a') })).rejects.toThrow(
      new RegExp(`report\\.pdf: is report NCR-20240501T100000Z-\\w+, report\\.html is report ${second.reportId}: the two files come from different runs`),
    );
    const r = await verifyEvidence(resealed({ replace: { [PATHS.reportHtml]: readFileSync(join(copy, PATHS.reportHtml)) } }));
    expect(failed(r)).toContain('report-pair');
    expect(reasons(r, 'report-pair')).toMatch(/different runs/);
    expect(reasons(r, 'report-pair')).toMatch(/report\.pdf was printed from a report\.html with SHA-256/);
  });

  it('a consistent pair the custody log does not record (killed after the renames): bundle refuses', async () => {
    const copy = copyFolder();
    const log = readFileSync(join(copy, PATHS.custody));
    await buildReport(copy, { browser: lab.printer, now: new Date('2024-05-03T10:00:00Z') });
    writeFileSync(join(copy, PATHS.custody), log); // the "report published" line never made it to disk
    await expect(createBundle(copy, { outDir: join(lab.root, 'zips-8b') })).rejects.toThrow(/the last report published is NCR-20240501T100000Z-\w+, the folder holds report NCR-20240503/);
  });

  it('the html names the report id on its first line and the PDF signature carries the id and the html hash', () => {
    const html = readFileSync(join(dir, PATHS.reportHtml));
    const id = /^<!-- netcustody report-id=(\S+) -->\n<!DOCTYPE html>/i.exec(html.toString('utf8'))![1];
    const pdf = readFileSync(join(dir, PATHS.reportPdf)).toString('latin1');
    const reason = /\/Reason <([0-9a-f]+)>/.exec(pdf)![1];
    expect(Buffer.from(reason, 'hex').toString('latin1')).toBe(
      `Forensic report ${id}, case CASE-2024/017, evidence ${readCustody(dir)[0].object}; report.html SHA-256 ${sha256Hex(html)}`,
    );
  });
});

describe('item 9: the folder custody log after sealing', () => {
  function bundledCopy(): Promise<{ copy: string; made: BundleResult }> {
    const copy = copyFolder();
    return createBundle(copy, {}).then((made) => ({ copy, made }));
  }
  const editLast = (copy: string, edit: (e: Record<string, unknown>) => Record<string, unknown> | null): void => {
    const lines = readFileSync(join(copy, PATHS.custody), 'utf8').trimEnd().split('\n');
    const last = edit(JSON.parse(lines.pop()!));
    writeFileSync(join(copy, PATHS.custody), `${[...lines, ...(last ? [JSON.stringify(last)] : [])].join('\n')}\n`);
  };

  it('passes with the zip where it was written, also after the case folder moved as a whole', async () => {
    const { copy } = await bundledCopy();
    const r = await verifyEvidence(copy);
    expect(failed(r)).toEqual([]);
    expect(r.checks.find((c) => c.id === 'custody-chain')!.detail).toMatch(/2 bundle\(s\) recorded, each zip found/);
    const moved = join(lab.root, `moved-${n}`);
    renameSync(join(copy, '../..'), moved);
    expect(failed(await verifyEvidence(join(moved, 'CASE', 'web01_20240501T100000Z')))).toEqual([]);
  });

  it('the "bundle created" line deleted → custody-chain FAIL', async () => {
    const { copy } = await bundledCopy();
    editLast(copy, () => null);
    const r = await verifyEvidence(copy);
    expect(failed(r)).toEqual(['custody-chain']);
    expect(reasons(r, 'custody-chain')).toMatch(/no "bundle created" event for that seal follows/);
  });

  it('the zip hash edited in the "bundle created" line → custody-chain FAIL', async () => {
    const { copy, made } = await bundledCopy();
    editLast(copy, (e) => ({ ...e, sha256: sha256Hex('another zip') }));
    const r = await verifyEvidence(copy);
    expect(failed(r)).toEqual(['custody-chain']);
    expect(reasons(r, 'custody-chain')).toContain(`${made.zipPath} has SHA-256 ${made.sha256}, the custody log records ${sha256Hex('another zip')}`);
  });

  it('the zip gone, or replaced by other bytes → custody-chain FAIL', async () => {
    const { copy, made } = await bundledCopy();
    copyFileSync(bundle.zipPath, `${made.zipPath}.keep`);
    rmSync(made.zipPath);
    expect(reasons(await verifyEvidence(copy), 'custody-chain')).toMatch(/the bundle .*\.zip recorded here \(SHA-256 \w+\) is gone/);
    writeFileSync(made.zipPath, readFileSync(`${made.zipPath}.keep`).subarray(0, 100));
    expect(reasons(await verifyEvidence(copy), 'custody-chain')).toMatch(/has SHA-256 \w+, the custody log records/);
  });
});

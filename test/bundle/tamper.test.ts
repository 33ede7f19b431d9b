// The tamper matrix: every change to a bundle must be caught, by the right check.
import { cpSync, readFileSync, truncateSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PATHS } from '../../src/evidence/folder.js';
import { sha256Hex } from '../../src/evidence/files.js';
import { signPdf } from '../../src/report/pdf-sign.js';
import { verifyPdfSignature } from '../../src/report/pdf-verify.js';
import { appendOverlay } from '../report/hostile-update.js';
import { loadIdentity, signDetachedCms } from '../../src/signing/index.js';
import { createBundle, formatVerifyReport, verifyEvidence, type BundleResult, type CheckId, type VerifyOptions, type VerifyReport } from '../../src/bundle/index.js';
import { addTrusted, listTrusted } from '../../src/signing/trust-store.js';
import { makeEvidence, openLab, type Lab } from './fixture.js';
import { flipByte, listMembers, readMember, rezip } from './rezip.js';

let lab: Lab;
let dir: string;
let bundle: BundleResult;
let n = 0;

beforeAll(async () => {
  lab = await openLab();
  dir = await makeEvidence(lab, 'out');
  bundle = await createBundle(dir, {});
}, 60_000);
afterAll(async () => lab?.close());

function tampered(ops: Parameters<typeof rezip>[2]): string {
  const out = join(lab.root, `tampered-${++n}.zip`);
  rezip(bundle.zipPath, out, ops);
  return out;
}

const member = (name: string): Buffer => readMember(bundle.zipPath, name);
const rawName = (): string => listMembers(bundle.zipPath).find((m) => m.startsWith('raw/'))!;

function failed(r: VerifyReport): CheckId[] {
  return r.checks.filter((c) => !c.ok).map((c) => c.id);
}

/** Exactly these checks fail, and the text report names each of them and the member. */
async function expectCaught(zip: string, checks: CheckId[], memberName: string, trustCertPem?: string, more: VerifyOptions = {}): Promise<VerifyReport> {
  const r = await verifyEvidence(zip, { trustCertPem, ...more });
  expect(r.ok).toBe(false);
  expect(failed(r)).toEqual(checks);
  const text = formatVerifyReport(r);
  for (const id of checks) expect(text).toMatch(new RegExp(`^FAIL  ${id}`, 'm'));
  expect(text).toContain(memberName);
  return r;
}

function replaceLines(bytes: Buffer, edit: (lines: string[]) => void): Buffer {
  const lines = bytes.toString('utf8').split('\n');
  lines.pop();
  edit(lines);
  return Buffer.from(`${lines.join('\n')}\n`);
}

describe('tamper matrix (zip)', () => {
  it('the untouched bundle passes, also after Python re-zipped it unchanged', async () => {
    expect((await verifyEvidence(bundle.zipPath)).ok).toBe(true);
    expect((await verifyEvidence(tampered({}))).ok).toBe(true);
  });

  it('one byte changed in a raw artifact → members, artifact-hashes', async () => {
    const raw = rawName();
    const r = await expectCaught(tampered({ replace: { [raw]: flipByte(member(raw), 10) } }), ['members', 'artifact-hashes'], raw);
    // acquisition.json's hash, and each place the report prints it (inventory, custody log, appendix).
    const members = r.checks.find((c) => c.id === 'artifact-hashes')!.failures.map((f) => f.member);
    expect(members[0]).toBe(raw);
    expect(members.slice(1)).toEqual([PATHS.reportHtml, PATHS.reportHtml, PATHS.reportHtml]);
  });

  it('one byte changed in findings.json → members', async () => {
    await expectCaught(tampered({ replace: { [PATHS.findings]: flipByte(member(PATHS.findings), 5) } }), ['members'], PATHS.findings);
  });

  it('one byte changed in the PDF inside the signed range → members, pdf-signature, report-pair', async () => {
    const pdf = member(PATHS.reportPdf);
    const [, len1] = verifyPdfSignature(pdf).byteRange!;
    await expectCaught(tampered({ replace: { [PATHS.reportPdf]: flipByte(pdf, Math.floor(len1 / 2)) } }), ['members', 'pdf-signature', 'report-pair'], PATHS.reportPdf);
  });

  it('one byte changed in the PDF outside the signed range (signature padding) → members, report-pair', async () => {
    const pdf = member(PATHS.reportPdf);
    const [, len1, start2] = verifyPdfSignature(pdf).byteRange!;
    const at = start2 - 2; // last hex digit of the zero padding inside /Contents < ... >
    expect(pdf.toString('latin1', len1, len1 + 1)).toBe('<');
    expect(pdf.toString('latin1', at, at + 1)).toBe('0');
    const changed = Buffer.from(pdf);
    changed[at] = '1'.charCodeAt(0);
    // Unsigned bytes hidden in the padding: the PDF check refuses anything but zeros there; SHA256SUMS and the custody log see the change.
    expect(verifyPdfSignature(changed).reason).toMatch(/not zero padding/);
    await expectCaught(tampered({ replace: { [PATHS.reportPdf]: changed } }), ['members', 'pdf-signature', 'report-pair'], PATHS.reportPdf);
  });

  it('bytes appended to the PDF → members, pdf-signature, report-pair', async () => {
    const pdf = Buffer.concat([member(PATHS.reportPdf), Buffer.from('\n% appended\n')]);
    const r = await expectCaught(tampered({ replace: { [PATHS.reportPdf]: pdf } }), ['members', 'pdf-signature', 'report-pair'], PATHS.reportPdf);
    expect(r.checks.find((c) => c.id === 'pdf-signature')!.failures[0].reason).toMatch(/appended/);
  });

  it('an incremental update after signing (red "FORGED" overlay on page 1 + a second signature) → members, pdf-signature, report-pair', async () => {
    const mallory = await loadIdentity({ examiner: 'Mallory', configDir: join(lab.root, 'mallory') });
    const pdf = signPdf(appendOverlay(member(PATHS.reportPdf)), mallory).pdf;
    const r = await expectCaught(tampered({ replace: { [PATHS.reportPdf]: pdf } }), ['members', 'pdf-signature', 'report-pair'], PATHS.reportPdf);
    const reason = r.checks.find((c) => c.id === 'pdf-signature')!.failures[0].reason;
    expect(reason).toMatch(/bytes were appended after the signature; objects .*\(Page 1\).*touching page 1; another signature by .*CN=Mallory.*\(valid, covers the whole file\)/);
  });

  it('one byte changed in custody.jsonl → members, custody-chain (the next line named)', async () => {
    const log = member(PATHS.custody);
    const r = await expectCaught(tampered({ replace: { [PATHS.custody]: flipByte(log, 20) } }), ['members', 'custody-chain'], PATHS.custody);
    expect(r.checks.find((c) => c.id === 'custody-chain')!.failures[0].line).toBe(2);
  });

  it('a custody line removed → members, custody-chain (line named), artifact-hashes (the import it recorded)', async () => {
    const log = replaceLines(member(PATHS.custody), (l) => l.splice(2, 1));
    const r = await expectCaught(tampered({ replace: { [PATHS.custody]: log } }), ['members', 'custody-chain', 'artifact-hashes'], PATHS.custody);
    expect(r.checks.find((c) => c.id === 'custody-chain')!.failures[0].line).toBe(3);
    expect(formatVerifyReport(r)).toContain('custody.jsonl:3:');
  });

  it('two custody lines swapped → members, custody-chain', async () => {
    const log = replaceLines(member(PATHS.custody), (l) => ([l[1], l[2]] = [l[2], l[1]]));
    const r = await expectCaught(tampered({ replace: { [PATHS.custody]: log } }), ['members', 'custody-chain'], PATHS.custody);
    expect(r.checks.find((c) => c.id === 'custody-chain')!.failures[0].line).toBe(2);
  });

  // A member SHA256SUMS does not list is never extracted from a zip, so only `members` sees it here
  // (a raw file nothing records in an extracted folder fails artifact-hashes: folder-integrity.test.ts).
  it('a member added → members (extra member, not extracted)', async () => {
    const r = await expectCaught(tampered({ add: { 'raw/99-planted.txt': Buffer.from('planted\n') } }), ['members'], 'raw/99-planted.txt');
    expect(r.checks[1].failures[0].reason).toMatch(/extra member/);
  });

  it('a member removed → members (missing)', async () => {
    const r = await expectCaught(tampered({ remove: [PATHS.connections] }), ['members'], PATHS.connections);
    expect(r.checks[1].failures[0].reason).toMatch(/missing/);
  });

  it('a raw artifact removed → members, artifact-hashes', async () => {
    await expectCaught(tampered({ remove: [rawName()] }), ['members', 'artifact-hashes'], rawName());
  });

  it('a hash changed in report.html → members, artifact-hashes, report-pair', async () => {
    const raw = rawName();
    const html = member(PATHS.reportHtml).toString('utf8');
    // The report prints hashes in 16-digit groups with <wbr> between them: forge the first group.
    const hash = sha256Hex(member(raw));
    expect(html).toContain(hash.slice(0, 16));
    const forged = Buffer.from(html.replace(hash.slice(0, 16), sha256Hex('forged').slice(0, 16)));
    const r = await expectCaught(tampered({ replace: { [PATHS.reportHtml]: forged } }), ['members', 'artifact-hashes', 'report-pair'], PATHS.reportHtml);
    expect(r.checks.find((c) => c.id === 'artifact-hashes')!.failures[0].reason).toContain(raw);
  });

  it('SHA256SUMS (and manifest.json) edited to match a changed file → manifest-signature', async () => {
    const findings = flipByte(member(PATHS.findings), 5);
    const sums = member(PATHS.sums).toString('utf8').replace(sha256Hex(member(PATHS.findings)), sha256Hex(findings));
    const manifest = member(PATHS.manifest).toString('utf8').replace(sha256Hex(member(PATHS.findings)), sha256Hex(findings));
    const zip = tampered({ replace: { [PATHS.findings]: findings, [PATHS.sums]: Buffer.from(sums), [PATHS.manifest]: Buffer.from(manifest) } });
    const r = await expectCaught(zip, ['manifest-signature'], 'manifest.sig');
    expect(r.checks.find((c) => c.id === 'manifest-signature')!.failures.map((f) => f.reason).join(' ')).toMatch(/messageDigest does not match/);
  });

  it('manifest.sig replaced by a signature from another key → signer (the PDF and examiner-cert.pem name the examiner)', async () => {
    const mallory = await loadIdentity({ examiner: 'Mallory', configDir: join(lab.root, 'mallory') });
    const forged = signDetachedCms(member(PATHS.sums), mallory, { signingTime: null });
    const r = await expectCaught(tampered({ replace: { [PATHS.manifestSig]: forged } }), ['signer'], PATHS.manifestSig);
    const failures = r.checks.find((c) => c.id === 'signer')!.failures;
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ member: PATHS.manifestSig, reason: expect.stringMatching(/^names CN=Mallory.* but report\/report.pdf names CN=Jane Doe/) });
  });

  it('re-sign attack: SHA256SUMS edited and manifest.sig re-signed with another key (+ its examiner-cert.pem) → signer, without --trust', async () => {
    const mallory = await loadIdentity({ examiner: 'Mallory', configDir: join(lab.root, 'mallory') });
    const findings = flipByte(member(PATHS.findings), 5);
    const sums = Buffer.from(member(PATHS.sums).toString('utf8').replace(sha256Hex(member(PATHS.findings)), sha256Hex(findings)));
    const manifest = Buffer.from(member(PATHS.manifest).toString('utf8').replace(sha256Hex(member(PATHS.findings)), sha256Hex(findings)).replace(sha256Hex(member(PATHS.sums)), sha256Hex(sums)));
    const zip = tampered({
      replace: { [PATHS.findings]: findings, [PATHS.sums]: sums, [PATHS.manifest]: manifest, [PATHS.manifestSig]: signDetachedCms(sums, mallory, { signingTime: null }), [PATHS.certificate]: Buffer.from(mallory.certPem) },
    });
    const r = await expectCaught(zip, ['signer'], PATHS.reportPdf);
    expect(r.signer).toMatchObject({ subject: expect.stringMatching(/^CN=Mallory,/), trusted: false });
    expect(formatVerifyReport(r)).toMatch(/^SIGNER  CN=Mallory.*\n {8}SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}\n {8}NOT TRUSTED: self-signed/m);
    // With --trust the examiner's certificate, the forger is also untrusted.
    const trusted = await expectCaught(zip, ['signer'], PATHS.reportPdf, lab.identity.certPem);
    expect(trusted.checks.find((c) => c.id === 'signer')!.failures.map((f) => f.reason).join()).toMatch(/the signer is not trusted/);
    // The genuine bundle passes with the same --trust, and says how it is trusted.
    const genuine = await verifyEvidence(bundle.zipPath, { trustCertPem: lab.identity.certPem });
    expect(genuine.ok).toBe(true);
    expect(genuine.signer).toMatchObject({ subject: lab.identity.subject, trusted: true, how: 'trusted (--trust)' });
  });

  it('re-sign attack with a key whose certificate has the same subject name → signer ("same name, another certificate and key")', async () => {
    const twin = await loadIdentity({ examiner: 'Jane Doe', organisation: 'Forensic Lab', configDir: join(lab.root, 'twin') });
    expect(twin.subject).toBe(lab.identity.subject);
    const zip = tampered({ replace: { [PATHS.manifestSig]: signDetachedCms(member(PATHS.sums), twin, { signingTime: null }), [PATHS.certificate]: Buffer.from(twin.certPem) } });
    const r = await expectCaught(zip, ['signer'], PATHS.reportPdf);
    expect(r.checks.find((c) => c.id === 'signer')!.failures[0].reason).toMatch(/same name, another certificate and key/);
  });

  it('examiner-cert.pem swapped for another certificate → signer', async () => {
    const mallory = await loadIdentity({ examiner: 'Mallory', configDir: join(lab.root, 'mallory') });
    const r = await expectCaught(tampered({ replace: { [PATHS.certificate]: Buffer.from(mallory.certPem) } }), ['signer'], PATHS.certificate);
    expect(r.checks.find((c) => c.id === 'signer')!.failures[0].reason).toMatch(/names CN=Mallory/);
  });

  it('--require-trust: an unpinned self-signed signer fails (signer), a pinned one passes', async () => {
    const untrusted = await expectCaught(bundle.zipPath, ['signer'], 'NOT TRUSTED', undefined, { requireTrust: true });
    expect(untrusted.signer).toMatchObject({ trusted: false });
    const home = join(lab.root, 'verifier-home');
    writeFileSync(join(lab.root, 'examiner.pem'), lab.identity.certPem);
    addTrusted(join(lab.root, 'examiner.pem'), home);
    const pinned = await verifyEvidence(bundle.zipPath, { requireTrust: true, anchors: listTrusted(home) });
    expect(pinned.ok).toBe(true);
    expect(pinned.signer?.how).toBe('trusted (pinned)');
  });

  it('the zip truncated → zip-structure, nothing else checked', async () => {
    const zip = join(lab.root, 'truncated.zip');
    copyFileSync(bundle.zipPath, zip);
    truncateSync(zip, Math.floor(readFileSync(zip).length * 0.7));
    const r = await verifyEvidence(zip);
    expect(r.ok).toBe(false);
    expect(r.checks[0]).toMatchObject({ id: 'zip-structure', ok: false });
    expect(r.checks.slice(1).every((c) => !c.ok && c.detail.startsWith('not checked'))).toBe(true);
    expect(formatVerifyReport(r)).toMatch(/^FAIL  zip-structure .*\n.*not a readable zip/m);
  });

  it('the zip cut by a few bytes inside the last member data → zip-structure', async () => {
    const bytes = readFileSync(bundle.zipPath);
    const zip = join(lab.root, 'cut.zip');
    writeFileSync(zip, bytes.subarray(0, bytes.length - 10));
    expect(failed(await verifyEvidence(zip))[0]).toBe('zip-structure');
  });
});

describe('hostile content', () => {
  it('never aborts verification: malformed JSON shapes, a "null" custody line, impossible entities', async () => {
    const raw = rawName();
    const acquisition = JSON.parse(member(PATHS.acquisition).toString('utf8'));
    acquisition.commands = 'not a list';
    acquisition.imports = [{ artifact: { path: 5, sha256: null } }, { artifact: { path: '../../etc/passwd', sha256: 'x', bytes: 1 } }];
    const manifest = JSON.parse(member(PATHS.manifest).toString('utf8'));
    manifest.files = [null, 3, { path: raw }];
    const html = `<table><tr><td>${raw} &#99999999; &#xD800; \u202e</td></tr></table>`;
    const zip = tampered({
      replace: {
        [PATHS.acquisition]: Buffer.from(JSON.stringify(acquisition)),
        [PATHS.manifest]: Buffer.from(JSON.stringify(manifest)),
        [PATHS.custody]: Buffer.concat([member(PATHS.custody), Buffer.from('null\n')]),
        [PATHS.reportHtml]: Buffer.from(html),
      },
    });
    const r = await verifyEvidence(zip);
    expect(failed(r)).toEqual(['members', 'manifest-signature', 'custody-chain', 'artifact-hashes', 'report-pair']);
    const reasons = r.checks.flatMap((c) => c.failures.map((f) => f.reason)).join('\n');
    expect(reasons).toMatch(/malformed artifact record/);
    expect(reasons).toMatch(/malformed file entry/);
    expect(reasons).toMatch(/"\.\." in path/);
  });
});

describe('tamper matrix (folder)', () => {
  it('a changed raw artifact and a removed sealed custody line are caught in the folder too', async () => {
    const copy = join(lab.root, 'folder-copy');
    cpSync(dir, copy, { recursive: true });
    expect((await verifyEvidence(copy)).ok).toBe(true);
    const raw = rawName();
    writeFileSync(join(copy, raw), flipByte(readFileSync(join(copy, raw)), 3));
    writeFileSync(join(copy, PATHS.custody), replaceLines(readFileSync(join(copy, PATHS.custody)), (l) => l.splice(1, 1)));
    const r = await verifyEvidence(copy);
    expect(failed(r)).toEqual(['members', 'custody-chain', 'artifact-hashes']);
    expect(r.kind).toBe('folder');
  });
});

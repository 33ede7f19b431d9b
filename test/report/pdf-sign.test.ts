import { X509Certificate } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchPrintBrowser, type PrintBrowser } from '../../src/report/browser.js';
import { htmlToPdf } from '../../src/report/pdf-render.js';
import { signPdf } from '../../src/report/pdf-sign.js';
import { verifyPdfSignature } from '../../src/report/pdf-verify.js';
import { loadIdentity, type SigningIdentity } from '../../src/signing/index.js';
import { xrefStreamPdf } from './xref-stream-pdf.js';
import { syntheticPdf } from '../../src/report/synthetic-pdf.js';

let work: string;
let printer: PrintBrowser;
let identity: SigningIdentity;
let chromiumPdf: Buffer;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'nc-pdfsign-'));
  identity = await loadIdentity({ examiner: 'Jane Doe', organisation: 'Forensic Lab', configDir: join(work, 'cfg') });
  printer = await launchPrintBrowser();
  const rows = Array.from({ length: 120 }, (_, i) => `<tr><td>row ${i}</td><td>10.0.0.${i}:443</td></tr>`).join('');
  chromiumPdf = (await htmlToPdf(printer, `<!doctype html><title>t</title><h1>Signed report body</h1><table><thead><tr><th>n</th><th>addr</th></tr></thead><tbody>${rows}</tbody></table>`, { paper: 'a4', tagged: true })).pdf;
});
afterAll(async () => {
  await printer?.close();
  rmSync(work, { recursive: true, force: true });
});

function pdfsig(pdf: Buffer, name = 'x.pdf'): { out: string; status: number | null } {
  const path = join(work, name);
  writeFileSync(path, pdf);
  const r = spawnSync('pdfsig', [path], { encoding: 'utf8' });
  return { out: r.stdout + r.stderr, status: r.status };
}

describe('signPdf on a Chromium PDF', () => {
  it('keeps every original byte and pdfsig reports a valid signature over the total document', () => {
    const when = new Date(Math.floor(Date.now() / 1000) * 1000);
    const { pdf, byteRange, originalLength } = signPdf(chromiumPdf, identity, { reason: 'test', signingTime: when });
    expect(originalLength).toBe(chromiumPdf.length);
    expect(pdf.subarray(0, chromiumPdf.length).equals(chromiumPdf)).toBe(true);
    expect(byteRange[2] + byteRange[3]).toBe(pdf.length);
    const { out } = pdfsig(pdf);
    expect(out).toContain('Signature is Valid.');
    expect(out).toContain('Total document signed');
    expect(out).toContain('Jane Doe');
    const text = execFileSync('pdftotext', [join(work, 'x.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain('Signed report body');
    expect(text).toContain('10.0.0.119:443');
    const check = verifyPdfSignature(pdf);
    expect(check).toMatchObject({ ok: true, signed: true, coversWholeFile: true, digestMatches: true, signatureValid: true, reason: null, signingTime: when.toISOString() });
    expect(check.signer).toContain('CN=Jane Doe');
    expect(check.signerCert?.pem).toBe(new X509Certificate(identity.certPem).toString());
  });

  it('fails in pdfsig and verifyPdfSignature when one signed byte changes', () => {
    const { pdf } = signPdf(chromiumPdf, identity);
    const tampered = Buffer.from(pdf);
    // A byte inside Chromium's page content (first signed range).
    const at = Math.floor(chromiumPdf.length / 2);
    tampered[at] ^= 0x01;
    const { out } = pdfsig(tampered, 'tampered.pdf');
    expect(out).not.toContain('Signature is Valid.');
    expect(out).toMatch(/Signature is Invalid|Digest Mismatch|mismatch/i);
    const check = verifyPdfSignature(tampered);
    expect(check.ok).toBe(false);
    expect(check.digestMatches).toBe(false);
    expect(check.reason).toContain('changed');
  });

  it('reports bytes appended after the signature as not covering the whole file', () => {
    const { pdf } = signPdf(chromiumPdf, identity);
    const appended = Buffer.concat([pdf, Buffer.from('\n% appended later\n')]);
    const { out } = pdfsig(appended, 'appended.pdf');
    expect(out).not.toContain('Total document signed');
    const check = verifyPdfSignature(appended);
    expect(check).toMatchObject({ ok: false, coversWholeFile: false, digestMatches: true, signatureValid: true });
    expect(check.reason).toContain('appended');
  });

  it('names the certificate of another key that signed, for the signer check to compare', async () => {
    const other = await loadIdentity({ examiner: 'Someone Else', configDir: join(work, 'cfg') });
    const { pdf } = signPdf(chromiumPdf, other);
    const check = verifyPdfSignature(pdf);
    expect(check.ok).toBe(true);
    expect(check.signerCert?.fingerprint).toBe(new X509Certificate(other.certPem).fingerprint256.replace(/:/g, '').toLowerCase());
  });

  it('signs with the time of signing when none is given (never a backdated time)', () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const { pdf, signingTime } = signPdf(chromiumPdf, identity);
    const after = Date.now();
    const check = verifyPdfSignature(pdf);
    expect(new Date(check.signingTime!).getTime()).toBeGreaterThanOrEqual(before);
    expect(new Date(check.signingTime!).getTime()).toBeLessThanOrEqual(after);
    expect(signingTime.getTime()).toBeGreaterThanOrEqual(before);
  });

  it('reports unsigned and garbage input without throwing', () => {
    expect(verifyPdfSignature(chromiumPdf)).toMatchObject({ ok: false, signed: false });
    expect(verifyPdfSignature(Buffer.from('/ByteRange [0 5 3 1]'))).toMatchObject({ ok: false, signed: true });
    expect(verifyPdfSignature(Buffer.alloc(0)).ok).toBe(false);
  });

  it('signs a real 10 MB PDF well under a second, and pdfsig accepts it', () => {
    const big = syntheticPdf(10 * 1024 * 1024);
    expect(pdfsig(big, 'big-unsigned.pdf').out).toContain('does not contain any signatures');
    const t0 = performance.now();
    const { pdf } = signPdf(big, identity);
    const ms = performance.now() - t0;
    console.log(`signing a ${(big.length / 1048576).toFixed(1)} MiB PDF: ${ms.toFixed(0)} ms`);
    expect(verifyPdfSignature(pdf).ok).toBe(true);
    const { out } = pdfsig(pdf, 'big.pdf');
    expect(out).toContain('Signature is Valid.');
    expect(out).toContain('Total document signed');
  });
});

describe('signPdf on a PDF with cross-reference and object streams', () => {
  it('writes the update as a cross-reference stream that pdfsig accepts', () => {
    const original = xrefStreamPdf('Hello xref stream');
    expect(pdfsig(original, 'orig.pdf').out).toContain('does not contain any signatures');
    const { pdf } = signPdf(original, identity);
    expect(pdf.subarray(original.length).toString('latin1')).toMatch(/\/Type \/XRef/);
    const { out } = pdfsig(pdf, 'xs.pdf');
    expect(out).toContain('Signature is Valid.');
    expect(out).toContain('Total document signed');
    expect(execFileSync('pdftotext', [join(work, 'xs.pdf'), '-'], { encoding: 'utf8' })).toContain('Hello xref stream');
    expect(verifyPdfSignature(pdf).ok).toBe(true);
    // Signing twice (a second examiner) gives a second valid revision over the whole file.
    const twice = signPdf(pdf, identity).pdf;
    const second = pdfsig(twice, 'xs2.pdf').out;
    expect(second.match(/Signature is Valid\./g)).toHaveLength(2);
    expect(readFileSync(join(work, 'xs2.pdf')).length).toBe(twice.length);
  });
});

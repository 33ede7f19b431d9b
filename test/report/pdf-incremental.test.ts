// Item 4: an incremental update appended after netcustody's signature (a visible overlay, a second
// signature) must FAIL, and verify must say what was appended. pdfsig and pdftotext confirm that the
// hostile file really shows the overlay and really holds two signatures.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchPrintBrowser } from '../../src/report/browser.js';
import { htmlToPdf } from '../../src/report/pdf-render.js';
import { signPdf } from '../../src/report/pdf-sign.js';
import { verifyPdfSignature } from '../../src/report/pdf-verify.js';
import { loadIdentity, type SigningIdentity } from '../../src/signing/index.js';
import { appendOverlay } from './hostile-update.js';

let work: string;
let examiner: SigningIdentity;
let mallory: SigningIdentity;
let signed: Buffer;
let unsigned: Buffer;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'nc-pdfupdate-'));
  examiner = await loadIdentity({ examiner: 'Jane Doe', configDir: join(work, 'jane') });
  mallory = await loadIdentity({ examiner: 'Mallory', configDir: join(work, 'mallory') });
  const printer = await launchPrintBrowser();
  try {
    const html = '<!doctype html><title>t</title><h1>Finding: 203.0.113.66 connected to port 1337</h1>';
    unsigned = (await htmlToPdf(printer, html, { paper: 'a4', tagged: true })).pdf;
    signed = signPdf(unsigned, examiner).pdf;
  } finally {
    await printer.close();
  }
}, 60_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function tools(pdf: Buffer, name: string): { sig: string; text: string } {
  const path = join(work, name);
  writeFileSync(path, pdf);
  const r = spawnSync('pdfsig', [path], { encoding: 'utf8' });
  return { sig: r.stdout + r.stderr, text: execFileSync('pdftotext', [path, '-'], { encoding: 'utf8' }) };
}

describe('signature entries that were there when netcustody signed', () => {
  it('"/ByteRange" text inside the signed bytes (a host name in a string, say) is signed content, not a signature', () => {
    const withText = Buffer.concat([unsigned, Buffer.from('% host: /ByteRange [0 1 2 3] /ByteRange [x]\n')]);
    const r = verifyPdfSignature(signPdf(withText, examiner).pdf, examiner.certPem);
    expect(r).toMatchObject({ ok: true, coversWholeFile: true });
    expect(r.signatures).toHaveLength(1);
  });
});

describe('updates appended after the signature', () => {
  it('the signed report alone passes, with one signature', () => {
    const r = verifyPdfSignature(signed, examiner.certPem);
    expect(r).toMatchObject({ ok: true, coversWholeFile: true });
    expect(r.signatures).toHaveLength(1);
  });

  it('a visible overlay (red box, "FORGED") appended as raw bytes → FAIL naming the objects and page 1', () => {
    const forged = appendOverlay(signed);
    const { sig, text } = tools(forged, 'overlay.pdf');
    expect(text).toContain('FORGED');
    expect(sig).toContain('Signature is Valid.');
    expect(sig).not.toContain('Total document signed');
    const r = verifyPdfSignature(forged, examiner.certPem);
    expect(r).toMatchObject({ ok: false, coversWholeFile: false, digestMatches: true, signatureValid: true });
    expect(r.appended?.bytes).toBe(forged.length - signed.length);
    expect(r.appended?.pages).toEqual([1]);
    expect(r.reason).toMatch(new RegExp(`^${forged.length - signed.length} bytes were appended after the signature; objects \\d+ 0 \\(Page 1\\), \\d+ 0 \\(stream\\), \\d+ 0 \\(Font/Type1\\); touching page 1$`));
  });

  it('the overlay plus a second, valid signature by another key over the whole file → FAIL naming that signer', () => {
    const forged = signPdf(appendOverlay(signed), mallory).pdf;
    const { sig, text } = tools(forged, 'overlay-signed.pdf');
    expect(text).toContain('FORGED');
    // pdfsig sees two valid signatures, the second over the total document: it looks fine there.
    expect(sig).toMatch(/Signature #2/);
    expect(sig.match(/Signature is Valid\./g)).toHaveLength(2);
    expect(sig).toContain('Total document signed');
    const r = verifyPdfSignature(forged);
    expect(r.ok).toBe(false);
    expect(r.signer).toContain('CN=Jane Doe');
    expect(r.signatures).toHaveLength(2);
    expect(r.signatures![1]).toMatchObject({ uncoveredBytes: 0, digestMatches: true, signatureValid: true, problem: null });
    expect(r.reason).toMatch(/bytes were appended after the signature; objects .*\(Page 1\).*\(signature\).*; touching page 1; another signature by .*CN=Mallory.* \(valid, covers the whole file\)$/);
  });

  it('a second signature alone (no visible change) → FAIL', () => {
    const r = verifyPdfSignature(signPdf(signed, mallory).pdf);
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/appended after the signature.*another signature by .*CN=Mallory/);
  });

  it('a forged signature dictionary appended without a valid signature → FAIL, its problem named', () => {
    const fake = Buffer.concat([signed, Buffer.from(`\n99 0 obj\n<< /Type /Sig /ByteRange [0 10 20 ${signed.length}] /Contents <00> >>\nendobj\n`)]);
    const r = verifyPdfSignature(fake);
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/appended after the signature; objects 99 0 \(signature\); another signature by an unknown signer \(does not verify: the unsigned gap is not the \/Contents hex string\)$/);
  });
});

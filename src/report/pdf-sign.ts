// Sign a PDF by incremental update (ISO 32000-1 §7.5.6, §12.8): Chromium's bytes stay unchanged;
// a new revision adds the signature dictionary, an invisible signature widget, the AcroForm, and a
// cross-reference section of the same kind as the file's last one (table, or stream for xref-stream files).
import { createHash } from 'node:crypto';
import { signDetachedCms, type SigningIdentity } from '../signing/index.js';
import { signatureValueOf, withSignatureTimeStamp } from '../signing/cms.js';
import { dict, isDict, isRef, name, ref, serialize, textString, type PdfDict, type PdfValue } from './pdf-objects.js';
import { firstPageRef, readStructure, resolve, type PdfStructure } from './pdf-structure.js';

export interface PdfSignOptions {
  reason?: string;
  location?: string;
  contactInfo?: string;
  signingTime?: Date;
}

export interface PdfSignResult {
  pdf: Buffer;
  byteRange: [number, number, number, number];
  /** Length of the original document kept unchanged before the update. */
  originalLength: number;
  signatureBytes: number;
  /** The signingTime attribute written (the time of signing unless the caller fixed one). */
  signingTime: Date;
}

const BYTE_RANGE_PLACEHOLDER = '[0 0000000000 0000000000 0000000000]';

/** PDF date "D:YYYYMMDDHHmmSS+00'00'" in UTC. */
export function pdfDate(d: Date): string {
  const iso = d.toISOString();
  return `D:${iso.slice(0, 19).replace(/[-T:]/g, '')}+00'00'`;
}

/** Room kept in /Contents for an RFC 3161 token (a TSA's token with its certificates is 2-8 KiB). */
export const TOKEN_ROOM = 24 * 1024;

export function signPdf(original: Buffer, identity: SigningIdentity, opts: PdfSignOptions = {}): PdfSignResult {
  const { pdf, sigOffset, when } = layOut(original, identity, opts, 0);
  const r = ranges(pdf, sigOffset);
  const cms = signDetachedCms({ sha256: r.digest }, identity, { signingTime: when });
  writeContents(pdf, r.contentsAt, r.contentsEnd, cms);
  return { pdf, byteRange: r.byteRange, signatureBytes: cms.length, originalLength: original.length, signingTime: when };
}

export interface StampedSignResult extends PdfSignResult {
  /** Bytes of the token in the signature; null when none was added. */
  tokenBytes: number | null;
  /** Why no token was added (the TSA failed, or its token did not fit). */
  stampProblem: string | null;
}

/**
 * Sign, then ask `stamp` for an RFC 3161 token over the signature value and add it as the unsigned
 * signature-time-stamp attribute (PAdES B-T): unsigned, so the signed bytes and the signature stay
 * as they are. Without a token the signature is kept as it is (the report is never lost).
 */
export async function signPdfStamped(
  original: Buffer,
  identity: SigningIdentity,
  opts: PdfSignOptions,
  stamp: (signatureValue: Buffer) => Promise<{ token: Buffer } | { problem: string }>,
  /** Keep room for the token (false: no TSA asked, the placeholder stays as small as before). */
  reserve = true,
): Promise<StampedSignResult> {
  const { pdf, sigOffset, when } = layOut(original, identity, opts, reserve ? TOKEN_ROOM : 0);
  const r = ranges(pdf, sigOffset);
  const cms = signDetachedCms({ sha256: r.digest }, identity, { signingTime: when });
  const answer = await stamp(signatureValueOf(cms));
  let final = cms;
  let stampProblem: string | null = null;
  if ('token' in answer) {
    final = withSignatureTimeStamp(cms, answer.token);
    if (2 * final.length > r.contentsEnd - r.contentsAt - 2) {
      stampProblem = `the TSA's token (${answer.token.length} bytes) does not fit the ${TOKEN_ROOM} bytes kept for it`;
      final = cms;
    }
  } else stampProblem = answer.problem;
  writeContents(pdf, r.contentsAt, r.contentsEnd, final);
  const tokenBytes = final === cms ? null : final.length - cms.length;
  return { pdf, byteRange: r.byteRange, signatureBytes: final.length, originalLength: original.length, signingTime: when, tokenBytes, stampProblem };
}

function layOut(original: Buffer, identity: SigningIdentity, opts: PdfSignOptions, extraRoom: number): { pdf: Buffer; sigOffset: number; when: Date } {
  const when = opts.signingTime ?? new Date();
  const structure = readStructure(original);
  const rootRef = structure.trailer.entries.get('Root');
  if (!isRef(rootRef)) throw new Error('PDF: trailer has no /Root');
  const catalog = resolve(structure, rootRef);
  if (!isDict(catalog)) throw new Error('PDF: catalog is not a dictionary');
  const pagesRef = catalog.entries.get('Pages');
  if (!isRef(pagesRef)) throw new Error('PDF: catalog has no /Pages');
  const pageRef = firstPageRef(structure, pagesRef);
  const page = resolve(structure, pageRef) as PdfDict;

  const sigNum = structure.size;
  const widgetNum = sigNum + 1;
  const acroNum = sigNum + 2;
  const signerName = identity.subject.match(/CN=([^,]*)/)?.[1] ?? identity.subject;
  // Size the /Contents placeholder from a trial signature of the same identity.
  const trialLength = signDetachedCms({ sha256: Buffer.alloc(32) }, identity, { signingTime: when }).length;
  const contentsHexLength = 2 * (trialLength + 512 + extraRoom);

  const sigDict = dict([
    ['Type', name('Sig')],
    ['Filter', name('Adobe.PPKLite')],
    ['SubFilter', name('adbe.pkcs7.detached')],
    ['M', textString(pdfDate(when))],
    ['Name', textString(signerName)],
    ['Reason', textString(opts.reason ?? 'Examiner signature of the report')],
    ...(opts.location ? ([['Location', textString(opts.location)]] as [string, PdfValue][]) : []),
    ...(opts.contactInfo ? ([['ContactInfo', textString(opts.contactInfo)]] as [string, PdfValue][]) : []),
  ]);
  // ByteRange and Contents are written by hand so their positions can be patched after layout.
  const sigBody = `${serialize(sigDict).slice(0, -2)}\n/ByteRange ${BYTE_RANGE_PLACEHOLDER}\n/Contents <${'0'.repeat(contentsHexLength)}>>>`;
  const widget = dict([
    ['Type', name('Annot')],
    ['Subtype', name('Widget')],
    ['FT', name('Sig')],
    ['T', textString(`Signature${sigNum}`)],
    ['V', ref(sigNum)],
    ['F', 132], // Print + Locked; /Rect 0 0 0 0 makes it invisible.
    ['Rect', [0, 0, 0, 0]],
    ['P', pageRef],
  ]);
  const acroForm = buildAcroForm(structure, catalog.entries.get('AcroForm'), widgetNum);
  const newCatalog = withEntry(catalog, 'AcroForm', ref(acroNum));
  const newPage = withEntry(page, 'Annots', [...arrayOf(structure, page.entries.get('Annots')), ref(widgetNum)]);

  const objects: [number, number, string][] = [
    [rootRef.num, rootRef.gen, serialize(newCatalog)],
    [pageRef.num, pageRef.gen, serialize(newPage)],
    [sigNum, 0, sigBody],
    [widgetNum, 0, serialize(widget)],
    [acroNum, 0, serialize(acroForm)],
  ];
  const update = writeUpdate(structure, objects, acroNum + 1);
  const pdf = Buffer.concat([original, update.bytes]);
  return { pdf, sigOffset: original.length + update.sigOffset, when };
}

function withEntry(d: PdfDict, key: string, value: PdfValue): PdfDict {
  const entries = new Map(d.entries);
  entries.set(key, value);
  return { kind: 'dict', entries };
}

function arrayOf(structure: PdfStructure, v: PdfValue | undefined): PdfValue[] {
  const resolved = resolve(structure, v);
  return Array.isArray(resolved) ? resolved : [];
}

/** Keep an existing form's fields and settings; add the widget; SigFlags 3 = SignaturesExist | AppendOnly. */
function buildAcroForm(structure: PdfStructure, existing: PdfValue | undefined, widgetNum: number): PdfDict {
  const resolved = resolve(structure, existing);
  const base: PdfDict = isDict(resolved) ? resolved : dict([]);
  const fields = [...arrayOf(structure, base.entries.get('Fields')), ref(widgetNum)];
  return withEntry(withEntry(base, 'Fields', fields), 'SigFlags', 3);
}

interface Update {
  bytes: Buffer;
  /** Offset of the signature object within the update. */
  sigOffset: number;
}

function writeUpdate(structure: PdfStructure, objects: [number, number, string][], nextNum: number): Update {
  let text = '\n';
  const offsets = new Map<number, [number, number]>();
  let sigOffset = 0;
  const base = structure.buf.length;
  for (const [num, gen, body] of objects) {
    if (body.includes('/ByteRange')) sigOffset = text.length;
    offsets.set(num, [base + text.length, gen]);
    text += `${num} ${gen} obj\n${body}\nendobj\n`;
  }
  const trailer = new Map<string, PdfValue>();
  trailer.set('Size', nextNum);
  for (const key of ['Root', 'Info', 'ID']) {
    const v = structure.trailer.entries.get(key);
    if (v !== undefined) trailer.set(key, v);
  }
  trailer.set('Prev', structure.startxref);
  const xrefOffset = base + text.length;
  if (structure.xrefKind === 'table') {
    text += classicXref(offsets);
    text += `trailer\n${serialize({ kind: 'dict', entries: trailer })}\n`;
  } else {
    const xrefNum = nextNum;
    offsets.set(xrefNum, [xrefOffset, 0]);
    trailer.set('Size', nextNum + 1);
    text += xrefStream(xrefNum, offsets, trailer);
  }
  text += `startxref\n${xrefOffset}\n%%EOF\n`;
  return { bytes: Buffer.from(text, 'latin1'), sigOffset };
}

function groups(offsets: Map<number, [number, number]>): number[][] {
  const nums = [...offsets.keys()].sort((a, b) => a - b);
  const out: number[][] = [];
  for (const n of nums) {
    const last = out[out.length - 1];
    if (last && last[last.length - 1] === n - 1) last.push(n);
    else out.push([n]);
  }
  return out;
}

function classicXref(offsets: Map<number, [number, number]>): string {
  let s = 'xref\n';
  for (const group of groups(offsets)) {
    s += `${group[0]} ${group.length}\n`;
    for (const n of group) {
      const [off, gen] = offsets.get(n)!;
      s += `${String(off).padStart(10, '0')} ${String(gen).padStart(5, '0')} n\r\n`;
    }
  }
  return s;
}

/** An unfiltered cross-reference stream (W [1 4 2]) for files whose last section is a stream. */
function xrefStream(xrefNum: number, offsets: Map<number, [number, number]>, trailer: Map<string, PdfValue>): string {
  const index: number[] = [];
  const rows: Buffer[] = [];
  for (const group of groups(offsets)) {
    index.push(group[0], group.length);
    for (const n of group) {
      const [off, gen] = offsets.get(n)!;
      const row = Buffer.alloc(7);
      row[0] = 1;
      row.writeUInt32BE(off, 1);
      row.writeUInt16BE(gen, 5);
      rows.push(row);
    }
  }
  const data = Buffer.concat(rows);
  const d = new Map<string, PdfValue>([['Type', name('XRef')], ['W', [1, 4, 2]], ['Index', index], ['Length', data.length]]);
  for (const [k, v] of trailer) d.set(k, v);
  return `${xrefNum} 0 obj\n${serialize({ kind: 'dict', entries: d })}\nstream\n${data.toString('latin1')}\nendstream\nendobj\n`;
}

/** Patch /ByteRange and hash the two ranges with node:crypto. */
function ranges(pdf: Buffer, sigOffset: number): { byteRange: [number, number, number, number]; contentsAt: number; contentsEnd: number; digest: Buffer } {
  const brAt = pdf.indexOf(`/ByteRange ${BYTE_RANGE_PLACEHOLDER}`, sigOffset, 'latin1') + '/ByteRange '.length;
  const contentsAt = pdf.indexOf('/Contents <', sigOffset, 'latin1') + '/Contents '.length;
  const contentsEnd = pdf.indexOf('>', contentsAt) + 1;
  const byteRange: [number, number, number, number] = [0, contentsAt, contentsEnd, pdf.length - contentsEnd];
  const brText = `[0 ${byteRange.slice(1).map((n) => String(n).padStart(10, '0')).join(' ')}]`;
  if (brText.length !== BYTE_RANGE_PLACEHOLDER.length) throw new Error('PDF: file too large for the byte range placeholder');
  pdf.write(brText, brAt, 'latin1');
  const digest = createHash('sha256').update(pdf.subarray(0, contentsAt)).update(pdf.subarray(contentsEnd)).digest();
  return { byteRange, contentsAt, contentsEnd, digest };
}

/** The CMS into /Contents (the rest of the placeholder stays zero padding). */
function writeContents(pdf: Buffer, contentsAt: number, contentsEnd: number, cms: Buffer): void {
  const hex = cms.toString('hex');
  const room = contentsEnd - contentsAt - 2;
  if (hex.length > room) throw new Error('PDF: signature larger than its placeholder');
  pdf.write(hex, contentsAt + 1, 'latin1');
}

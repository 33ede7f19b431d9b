// The examiner's voice in the report: who they are, the instructions they received, their own
// observations and conclusions (kept apart from the automated findings), and the declaration that
// names the certificate they sign with. Their texts are data: every line is made visible() here and
// escaped by Handlebars; blank lines separate paragraphs, single line breaks are kept.
import { kitDeclaration } from './view-kit.js';
import type { FolderStatements, RecordedStatement, TextKind } from '../evidence/statements.js';
import type { Acquisition } from '../model.js';
import { visible } from './visible.js';

export interface TextBlock {
  paragraphs: { lines: string[] }[];
  path: string;
  sha256: string;
}

export interface ExaminerView {
  name: string;
  organisation: string | null;
  role: string | null;
  scope: TextBlock | null;
  notes: TextBlock | null;
  conclusions: TextBlock | null;
  /** Every statement file in the folder; earlier versions are marked as superseded. */
  statements: { kind: string; path: string; sha256: string; examiner: string; status: string }[];
}

export interface DeclarationView {
  /** Its section number (11 in a host report). */
  number: number;
  /** The examiner's own declaration (--declaration), else null and the default text is printed. */
  custom: TextBlock | null;
  opening: string;
  statements: string[];
  did: string[];
  didNot: string[];
  signature: string;
  signer: { subject: string; fingerprint: string; selfSigned: boolean };
  name: string;
  role: string | null;
  organisation: string | null;
  date: string;
}

/** Paragraphs split on blank lines; each line of a paragraph kept (no reflowing of the examiner's text). */
export function textParagraphs(text: string): { lines: string[] }[] {
  return text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n+/)
    .map((p) => p.split('\n').map((l) => visible(l.replace(/[ \t]+$/, ''))))
    .map((lines) => ({ lines: lines.filter((l, i) => l !== '' || (i > 0 && i < lines.length - 1)) }))
    .filter((p) => p.lines.length > 0);
}

function block(s: (RecordedStatement & { text: string }) | undefined): TextBlock | null {
  return s ? { paragraphs: textParagraphs(s.text), path: s.path, sha256: s.sha256 } : null;
}

export function examinerView(st: FolderStatements): ExaminerView {
  const current = new Set((['scope', 'notes', 'conclusions', 'declaration'] as TextKind[]).map((k) => st.texts[k]?.path));
  const lastExaminer = st.history.filter((h) => h.kind === 'examiner').pop()?.path;
  return {
    name: visible(st.examiner.name),
    organisation: st.examiner.organisation === null ? null : visible(st.examiner.organisation),
    role: st.examiner.role === null ? null : visible(st.examiner.role),
    scope: block(st.texts.scope),
    notes: block(st.texts.notes),
    conclusions: block(st.texts.conclusions),
    statements: st.history.map((h) => ({
      kind: h.kind,
      path: h.path,
      sha256: h.sha256,
      examiner: visible(h.examiner ?? 'unknown'),
      status: current.has(h.path) || h.path === lastExaminer ? 'yes' : h.examiner === st.examiner.name ? 'superseded' : 'another examiner\'s',
    })),
  };
}

export interface DeclarationFacts {
  acquisition: Acquisition;
  tool: string;
  generated: Date;
  signer: { subject: string; fingerprint: string; selfSigned: boolean };
  hasConclusions: boolean;
}

/** A jurisdiction-neutral default: truth, duty, independence, what was and was not done. */
export function declarationView(st: FolderStatements, f: DeclarationFacts): DeclarationView {
  const a = f.acquisition;
  const who = [st.examiner.name, st.examiner.role, st.examiner.organisation].filter(Boolean).join(', ');
  const collector = a.examiner === st.examiner.name ? 'I' : `${a.examiner} (as recorded in acquisition.json and the custody log)`;
  const byKit = kitDeclaration(a, collector, f.tool);
  const did = byKit
    ? [byKit]
    : a.mode === 'import'
      ? [`${collector} imported the files listed in the evidence inventory, which were captured elsewhere. Their capture time, the command that produced them and the host they come from are stated, not observed by the tool, and are marked "(as stated)".`]
      : [`${collector} ran ${f.tool} on the host ${a.host?.hostname ?? 'named on the cover'} as the account ${a.privileges?.user ?? 'shown in section 3'}; it ran the commands listed in the evidence inventory, in the order shown, and stored their output unchanged with its SHA-256.`];
  did.push(`The outputs were parsed and analysed by ${f.tool}; the findings in section 4 are leads produced by its rules, each citing the lines of evidence it rests on.`);
  did.push(f.hasConclusions ? 'My own conclusions are in section 10 and are mine alone.' : 'I have recorded no conclusions of my own in this report.');
  return {
    number: 11,
    custom: block(st.texts.declaration),
    opening: visible(`I, ${who}, declare that:`),
    statements: [
      'The facts stated in this report are true to the best of my knowledge and belief, and the opinions I express are my true and complete professional opinion on the matters they refer to.',
      'I understand that my duty is to the court or other body that receives this report, to help it on matters within my expertise; this duty overrides any obligation to the person who instructed or pays me.',
      'I have given this report independently and objectively. I am not aware of any conflict of interest; should one arise, I will disclose it.',
      'I have drawn attention to matters that might affect the validity of my conclusions, in particular the limitations in section 3 and in the tool validation statement (section 9).',
    ].map((t) => visible(t)),
    did: did.map((t) => visible(t)),
    didNot: [
      'I did not alter the raw outputs: each is stored as captured and its SHA-256 was recorded before it was read.',
      'I did not examine disk images, memory, logs or any other source beyond the items in the evidence inventory; the results relate only to them.',
      'The automated findings are not my conclusions unless I adopt them in section 10.',
    ].map((t) => visible(t)),
    signature: visible(
      `This report is signed electronically with the certificate of ${f.signer.subject}, whose SHA-256 fingerprint is printed below. I declare that this certificate is mine and that this signature is my signature of this report${f.signer.selfSigned ? '; the certificate is self-signed, so this declaration is what ties it to me' : ''}.`,
    ),
    signer: { subject: visible(f.signer.subject), fingerprint: f.signer.fingerprint, selfSigned: f.signer.selfSigned },
    name: visible(st.examiner.name),
    role: st.examiner.role === null ? null : visible(st.examiner.role),
    organisation: st.examiner.organisation === null ? null : visible(st.examiner.organisation),
    date: f.generated.toISOString(),
  };
}

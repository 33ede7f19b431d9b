// `--case-file FILE`: a small JSON file a lab keeps per case so that every command names the same
// examiner, organisation, role, case id and instructions. Unknown keys are refused (a typo must not
// silently drop the examiner's role from a signed report).
import { readFileSync } from 'node:fs';
import { EvidenceError } from './folder.js';

export interface CaseFile {
  path: string;
  examiner: string | null;
  organisation: string | null;
  role: string | null;
  caseId: string | null;
  /** Instructions and questions asked (text). */
  scope: string | null;
}

const KEYS = ['examiner', 'organisation', 'role', 'case', 'scope'] as const;

export function loadCaseFile(path: string): CaseFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new EvidenceError(`--case-file ${path}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, undefined, 2);
  }
  let value: unknown;
  try {
    // A reviver that copies into null-prototype objects: "__proto__" stays a plain (unknown) key.
    value = JSON.parse(text, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.assign(Object.create(null), v) : v));
  } catch (err) {
    throw new EvidenceError(`--case-file ${path}: not valid JSON: ${(err as Error).message}`, `expected { ${KEYS.map((k) => `"${k}": "…"`).join(', ')} }`, 2);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new EvidenceError(`--case-file ${path}: expected a JSON object`, undefined, 2);
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!(KEYS as readonly string[]).includes(key)) throw new EvidenceError(`--case-file ${path}: unknown key "${key}"`, `known keys: ${KEYS.join(', ')}`, 2);
  }
  const field = (key: (typeof KEYS)[number]): string | null => {
    const v = obj[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string' || v.trim() === '') throw new EvidenceError(`--case-file ${path}: "${key}" must be a non-empty string`, undefined, 2);
    return v;
  };
  return { path, examiner: field('examiner'), organisation: field('organisation'), role: field('role'), caseId: field('case'), scope: field('scope') };
}

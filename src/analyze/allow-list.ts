// The examiner's allow-list (--allow FILE): known-good findings are suppressed or lowered, never
// deleted, so the report still shows what was set aside and why.
//
// JSON: { "entries": [ { "rule": "NET-REMOTE-ADMIN-EXPOSED", "process": "sshd", "port": 22,
//          "action": "suppress", "reason": "managed jump host" } ] }
// or one entry per line:  rule=ROUTE-HOST-ODD-GW destination=10.9.9.9/32 reason="backup link"
import { readFileSync } from 'node:fs';
import { EvidenceError } from '../evidence/folder.js';
import { addressInfo, cidrContains, parseCidr } from './address.js';
import { JsonSyntaxError, parseJsonWithLines } from './json-lines.js';
import { strictProcKey } from './names.js';
import { isSeverity } from './severity.js';
import type { AllowEntry, AllowList, HitFacts } from './types.js';
import { SEVERITIES } from '../model.js';

const STRING_FIELDS = ['rule', 'process', 'address', 'destination', 'gateway', 'interface', 'action', 'severity', 'reason'] as const;
const NUMBER_FIELDS = ['pid', 'port'] as const;
const KNOWN_FIELDS = new Set<string>([...STRING_FIELDS, ...NUMBER_FIELDS]);

export function loadAllowListFile(path: string, knownRules: string[]): AllowList {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new EvidenceError(`${path}: cannot read allow-list: ${(err as Error).message}`);
  }
  return parseAllowList(text, path, knownRules);
}

/** Parse and validate; every problem names the file, the line and the field. */
export function parseAllowList(text: string, source: string, knownRules: string[]): AllowList {
  const body = text.replace(/^\uFEFF/, '');
  const raw = body.trimStart().startsWith('{') ? readJsonEntries(body, source) : readLineEntries(body, source);
  const known = new Set(knownRules.map((r) => r.toUpperCase()));
  const entries = raw.map((r, i) => validateEntry(r.fields, i + 1, r.line, source, known));
  return { source, entries };
}

interface RawEntry {
  fields: Record<string, unknown>;
  line: number;
}

function readJsonEntries(text: string, source: string): RawEntry[] {
  let parsed;
  try {
    parsed = parseJsonWithLines(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw new EvidenceError(`${source} line ${err.line}, column ${err.column}: invalid JSON: ${err.message}`);
    throw err;
  }
  const root = parsed.value;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) throw new EvidenceError(`${source}: expected an object with an "entries" array`);
  for (const key of Object.keys(root)) if (key !== 'entries') throw new EvidenceError(`${source} line ${parsed.lineOf.get(root) ?? 1}: unknown key "${key}" at the top level (allowed: entries)`);
  const entries = (root as Record<string, unknown>).entries;
  if (!Array.isArray(entries)) throw new EvidenceError(`${source} line ${parsed.lineOf.get(root) ?? 1}: field "entries": expected an array`);
  return entries.map((e, i) => {
    const line = (typeof e === 'object' && e !== null ? parsed.lineOf.get(e) : undefined) ?? parsed.lineOf.get(entries) ?? 1;
    if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new EvidenceError(`${source} line ${line}: entries[${i}]: expected an object`);
    return { fields: e as Record<string, unknown>, line };
  });
}

/** key=value pairs, values optionally in double quotes; '#' starts a comment line. */
function readLineEntries(text: string, source: string): RawEntry[] {
  const out: RawEntry[] = [];
  text.split(/\r\n|\n|\r/).forEach((lineText, i) => {
    const trimmed = lineText.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const fields: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    const pair = /([A-Za-z]+)=("((?:[^"\\]|\\.)*)"|\S+)\s*/y;
    let pos = lineText.length - lineText.trimStart().length;
    while (pos < lineText.trimEnd().length) {
      pair.lastIndex = pos;
      const m = pair.exec(lineText);
      if (!m || !m[1]) throw new EvidenceError(`${source} line ${i + 1}: expected key=value at column ${pos + 1}`);
      const value = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : (m[2] ?? '');
      if (Object.prototype.hasOwnProperty.call(fields, m[1])) throw new EvidenceError(`${source} line ${i + 1}: field "${m[1]}" given twice`);
      fields[m[1]] = NUMBER_FIELDS.includes(m[1] as (typeof NUMBER_FIELDS)[number]) && /^\d+$/.test(value) ? Number(value) : value;
      pos = pair.lastIndex;
    }
    out.push({ fields, line: i + 1 });
  });
  return out;
}

function validateEntry(fields: Record<string, unknown>, index: number, line: number, source: string, known: Set<string>): AllowEntry {
  const where = `${source} line ${line} (entry ${index})`;
  // Own keys only: parsed objects have no prototype, so nothing can come from anywhere but the file.
  const bad = (field: string, why: string): never => {
    throw new EvidenceError(`${where}: field "${field}": ${why}`);
  };
  for (const key of Object.keys(fields)) if (!KNOWN_FIELDS.has(key)) bad(key, `unknown field (allowed: ${[...KNOWN_FIELDS].join(', ')})`);
  for (const f of STRING_FIELDS) if (fields[f] !== undefined && typeof fields[f] !== 'string') bad(f, 'expected a string');
  for (const f of NUMBER_FIELDS) {
    const v = fields[f];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > (f === 'port' ? 65535 : 2 ** 31))) bad(f, 'expected a whole number');
  }
  const rule = fields.rule as string | undefined;
  if (!rule) return bad('rule', 'required (a rule id, or "*" for any rule)');
  if (rule !== '*' && !known.has(rule.toUpperCase())) bad('rule', `unknown rule id "${rule}"`);
  const reason = (fields.reason as string | undefined)?.trim();
  if (!reason) return bad('reason', 'required: say why the finding is expected on this host');
  const action = (fields.action as string | undefined) ?? 'suppress';
  if (action !== 'suppress' && action !== 'lower') bad('action', `expected "suppress" or "lower", got "${action}"`);
  const severity = fields.severity;
  if (severity !== undefined && !isSeverity(severity)) bad('severity', `expected one of ${SEVERITIES.join('|')}, got "${String(severity)}"`);
  if (action === 'lower' && severity === undefined) bad('severity', 'required when action is "lower"');
  for (const f of ['destination', 'address'] as const) {
    const v = fields[f] as string | undefined;
    if (v !== undefined && !parseCidr(v) && v.toLowerCase() !== 'default') bad(f, `not an address or CIDR prefix: "${v}"`);
  }
  const entry: AllowEntry = { index, line, rule: rule === '*' ? '*' : rule.toUpperCase(), action: action as AllowEntry['action'], reason };
  if (isSeverity(severity)) entry.severity = severity;
  for (const f of ['process', 'address', 'destination', 'gateway', 'interface'] as const) {
    const v = fields[f];
    if (typeof v === 'string') entry[f] = v;
  }
  if (typeof fields.pid === 'number') entry.pid = fields.pid;
  if (typeof fields.port === 'number') entry.port = fields.port;
  return entry;
}

function globMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(value);
}

/** Whether an entry applies to a hit of a rule: every field the entry names must match. */
export function entryMatches(entry: AllowEntry, rule: string, facts: HitFacts): boolean {
  if (entry.rule !== '*' && entry.rule !== rule) return false;
  if (entry.process !== undefined) {
    const want = strictProcKey(entry.process);
    const have = strictProcKey(facts.process);
    if (!want || !have || !globMatch(want, have)) return false;
  }
  if (entry.pid !== undefined && facts.pid !== entry.pid) return false;
  if (entry.port !== undefined && !(facts.ports ?? []).includes(entry.port)) return false;
  if (entry.address !== undefined) {
    const cidr = parseCidr(entry.address);
    if (!cidr || !(facts.addresses ?? []).some((a) => cidrContains(cidr, addressInfo(a)))) return false;
  }
  if (entry.destination !== undefined) {
    const want = parseCidr(entry.destination);
    const have = parseCidr(facts.destination ?? null);
    if (!want || !have || want.text !== have.text) return false;
  }
  if (entry.gateway !== undefined && addressInfo(entry.gateway).text !== addressInfo(facts.gateway ?? '').text) return false;
  if (entry.interface !== undefined && entry.interface.toLowerCase() !== (facts.interface ?? '').toLowerCase()) return false;
  return true;
}

export function findEntry(list: AllowList | null | undefined, rule: string, facts: HitFacts): AllowEntry | null {
  if (!list) return null;
  return list.entries.find((e) => entryMatches(e, rule, facts)) ?? null;
}

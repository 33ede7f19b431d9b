// findings.json and leads.json of a busy host repeat the same text thousands of times (6,000 findings
// of one rule carry the same references and innocent explanations; their leads the same severity
// reason and "Why it stands out" sentence). Such a value is written once, in finding-defaults.json,
// per rule (findings) or per rule set (leads: `rules` joined by ","), and left out of the records that
// have it; a lead statement written MIN_SHARED times in a group is written as its number in the
// group's `sentences`.
// The loader (folder.ts readJsonArray) puts everything back: consumers get exactly the records
// analyze made. Only values at least MIN_SHARED records share are factored out, so a small host's
// files read as before; the contract fields (ARCHITECTURE.md) are always on every record.

/** One group's shared values: fields written once, and lead sentences referred to by number. */
export interface GroupDefaults {
  fields?: Record<string, unknown>;
  sentences?: string[];
}

/** The content of finding-defaults.json. */
export interface FindingDefaults {
  findings: Record<string, GroupDefaults>;
  leads: Record<string, GroupDefaults>;
}

/** Below this many records sharing a value, it stays on each record (nothing worth saving). */
export const MIN_SHARED = 100;

/** Never factored out: the contract fields, the group key, and what each record has of its own. */
const FINDING_KEEP = new Set(['id', 'rule', 'severity', 'title', 'detail', 'subject', 'refs', 'attack', 'pid', 'process']);
const LEAD_KEEP = new Set(['id', 'subject', 'severity', 'findings', 'summary', 'refs', 'rules', 'pid', 'process', 'statements']);

type Rec = Record<string, unknown>;

export const findingGroup = (f: Rec): string => String(f.rule);
export const leadGroup = (l: Rec): string => (Array.isArray(l.rules) ? l.rules.join(',') : '');

// Values are counted as themselves when primitive (no string building per field) and as JSON otherwise.
const isPrimitive = (v: unknown): v is string | number | boolean | null | undefined | bigint | symbol => v === null || typeof v !== 'object';

function mostShared(prims: Map<unknown, number>, objects: Map<string, number>): { value: unknown } | null {
  let best: { value: unknown } | null = null;
  let bestN = MIN_SHARED - 1;
  for (const [v, n] of prims) if (n > bestN) [best, bestN] = [{ value: v }, n];
  for (const [j, n] of objects) if (n > bestN) [best, bestN] = [{ value: JSON.parse(j) as unknown }, n];
  return best;
}

interface FieldCounts {
  present: number;
  prims: Map<unknown, number>;
  objects: Map<string, number>;
  /** The last array value counted and its JSON (jsonOf). */
  last: { value: unknown[]; json: string } | null;
}

/** Per group: each field's most shared value when MIN_SHARED records have it, and shared sentences. */
function groupDefaults(records: readonly Rec[], groupOf: (r: Rec) => string, keep: Set<string>, withSentences: boolean): Record<string, GroupDefaults> {
  // Each record's group once (a lead's is its rules joined: one string per lead, not one per pass).
  const groupNames = records.map(groupOf);
  // Groups smaller than MIN_SHARED cannot share anything: their records are not looked at.
  const sizes = new Map<string, number>();
  for (const g of groupNames) sizes.set(g, (sizes.get(g) ?? 0) + 1);
  const stats = new Map<string, { n: number; fields: Map<string, FieldCounts>; sentences: Map<string, number> }>();
  for (let i = 0; i < records.length; i++) {
    const g = groupNames[i];
    if ((sizes.get(g) as number) < MIN_SHARED) continue;
    const r = records[i];
    let st = stats.get(g);
    if (!st) stats.set(g, (st = { n: 0, fields: new Map(), sentences: new Map() }));
    st.n++;
    for (const k in r) {
      const v = r[k];
      if (keep.has(k) || v === undefined) continue;
      let c = st.fields.get(k);
      if (!c) st.fields.set(k, (c = { present: 0, prims: new Map(), objects: new Map(), last: null }));
      c.present++;
      if (isPrimitive(v)) c.prims.set(v, (c.prims.get(v) ?? 0) + 1);
      else {
        const j = jsonOf(v, c);
        c.objects.set(j, (c.objects.get(j) ?? 0) + 1);
      }
    }
    if (withSentences && Array.isArray(r.statements)) for (const s of r.statements as string[]) st.sentences.set(s, (st.sentences.get(s) ?? 0) + 1);
  }
  const out: Record<string, GroupDefaults> = {};
  for (const [g, st] of stats) {
    const d: GroupDefaults = {};
    for (const [k, c] of st.fields) {
      // A field some record of the group lacks is never defaulted (absent stays absent).
      const best = c.present === st.n ? mostShared(c.prims, c.objects) : null;
      if (best) (d.fields ??= {})[k] = best.value;
    }
    const sentences = [...st.sentences].filter(([, n]) => n >= MIN_SHARED).map(([s]) => s);
    if (sentences.length) d.sentences = sentences;
    if (d.fields || d.sentences) out[g] = d;
  }
  return out;
}

/**
 * JSON of an object value. A field's arrays repeat (6,000 findings of one rule carry equal
 * `references`): an array with the same elements (===) as the field's last one has its JSON, which
 * is then not built again.
 */
function jsonOf(v: object, c: FieldCounts): string {
  const last = c.last;
  if (last !== null && sameElements(last.value, v)) return last.json;
  const json = JSON.stringify(v);
  c.last = Array.isArray(v) ? { value: v, json } : null;
  return json;
}

/** Both plain arrays with the same elements by ===: then JSON.stringify gives the same text for both. */
function sameElements(a: unknown[], b: object): boolean {
  if (!Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The shared values of these findings and leads (empty groups when nothing repeats often enough). */
export function computeFindingDefaults(findings: readonly object[], leads: readonly object[]): FindingDefaults {
  return {
    findings: groupDefaults(findings as Rec[], findingGroup, FINDING_KEEP, false),
    leads: groupDefaults(leads as Rec[], leadGroup, LEAD_KEEP, true),
  };
}

/** Per group: field → the default (objects compared as JSON), sentence → its number. */
export interface Stripper {
  fields: Map<string, Map<string, { value: unknown; json: string | null }>>;
  sentences: Map<string, Map<string, number>>;
}

export function stripperOf(groups: Record<string, GroupDefaults>): Stripper {
  const fields = new Map<string, Map<string, { value: unknown; json: string | null }>>();
  const sentences = new Map<string, Map<string, number>>();
  for (const [g, d] of Object.entries(groups)) {
    fields.set(g, new Map(Object.entries(d.fields ?? {}).map(([k, v]) => [k, { value: v, json: isPrimitive(v) ? null : JSON.stringify(v) }])));
    sentences.set(g, new Map((d.sentences ?? []).map((s, i) => [s, i])));
  }
  return { fields, sentences };
}

/** The record as written: shared values left out, shared sentences as numbers (a new object; the input is kept). */
export function stripShared(rec: object, group: string, s: Stripper): object {
  const fields = s.fields.get(group);
  const sentences = s.sentences.get(group);
  if (!fields && !sentences) return rec;
  const out: Rec = {};
  for (const [k, v] of Object.entries(rec)) {
    const d = fields?.get(k);
    if (d !== undefined && (d.json === null ? v === d.value : !isPrimitive(v) && JSON.stringify(v) === d.json)) continue;
    out[k] = k === 'statements' && sentences?.size && Array.isArray(v) ? v.map((t: string) => sentences.get(t) ?? t) : v;
  }
  return out;
}

function sentence(d: GroupDefaults | undefined, group: string, n: number): string {
  const s = d?.sentences?.[n];
  if (typeof s !== 'string') throw new Error(`a lead of ${JSON.stringify(group)} refers to sentence ${n}, which finding-defaults.json does not hold`);
  return s;
}

/** Put the shared values back into records read from the file (in place; each gets its own copy). */
export function restoreShared<T extends object>(records: T[], groups: Record<string, GroupDefaults>, groupOf: (r: Rec) => string): T[] {
  const json = new Map(Object.entries(groups).map(([g, d]) => [g, Object.entries(d.fields ?? {}).map(([k, v]) => [k, JSON.stringify(v)] as const)]));
  for (const rec of records as Rec[]) {
    const g = groupOf(rec);
    const d = Object.hasOwn(groups, g) ? groups[g] : undefined;
    for (const [k, v] of json.get(g) ?? []) if (!(k in rec)) rec[k] = JSON.parse(v);
    if (Array.isArray(rec.statements) && rec.statements.some((t) => typeof t === 'number')) rec.statements = rec.statements.map((t: unknown) => (typeof t === 'number' ? sentence(d, g, t) : t));
  }
  return records;
}

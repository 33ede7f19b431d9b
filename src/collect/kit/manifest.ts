// The field kit's results manifest (manifest.txt): what the kit recorded on the host, written by a
// POSIX sh or PowerShell without jq. One `key=value` per line; values are percent-encoded bytes
// (printable ASCII except '%' stays, everything else — space, newline, '%', non-ASCII — is %XX), so
// host text can never break a line. An argv is its words encoded and joined by single spaces.
// Per step: step.NN.<field>; the kit writes each step's lines when the step ends (its own NN-id.rec
// file while it runs, appended to manifest.txt after the group's `wait`).

export const MANIFEST_NAME = 'manifest.txt';
export const MANIFEST_FORMAT = 'netcustody-kit-manifest';
export const MANIFEST_VERSION = '1';
export const RESULTS_PREFIX = 'netcustody-kit_';
/** Output files of step NN: NN-<id>.stdout / .stderr, and NN-<id>.rec while the step runs. */
export const OUTPUT_NAME = /^(\d{2})-([A-Za-z0-9][A-Za-z0-9-]{0,62})\.(stdout|stderr|rec)$/;

/** Percent-encoding of bytes as the kit writes it (printable ASCII 0x21–0x7e except '%' kept). */
export function encodeValue(value: string | Buffer): string {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  let out = '';
  for (const b of bytes) out += b > 0x20 && b < 0x7f && b !== 0x25 ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`;
  return out;
}

export function decodeValue(value: string): Buffer | null {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x25) {
      const h = value.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) return null;
      bytes.push(parseInt(h, 16));
      i += 2;
    } else if (c > 0x20 && c < 0x7f) bytes.push(c);
    else return null;
  }
  return Buffer.from(bytes);
}

export function encodeArgv(argv: string[]): string {
  return argv.map(encodeValue).join(' ');
}

export interface KitStepRecord {
  order: number;
  id: string | null;
  kind: string | null;
  argv: string[] | null;
  group: number | null;
  start: string | null;
  end: string | null;
  exit: number | null;
  unavailable: boolean;
  outputs: Partial<Record<'stdout' | 'stderr', { name: string | null; bytes: number | null; sha256: string | null }>>;
  /** Where the record came from: manifest.txt or a leftover NN-id.rec of an interrupted run. */
  from: string;
}

export interface KitManifest {
  values: Map<string, string>;
  steps: Map<number, KitStepRecord>;
}

export class ManifestError extends Error {
  constructor(
    message: string,
    readonly line: number | null,
  ) {
    super(message);
  }
}

const KEY = /^[a-z][a-z0-9.]*$/;
const STEP_KEY = /^step\.(\d{2})\.(id|kind|argv|group|start|end|exit|unavailable|(stdout|stderr)(?:\.(bytes|sha256))?)$/;

/** Read manifest lines strictly: an unknown shape is an error naming the line. */
export function parseManifestText(text: string, from: string, into: KitManifest = { values: new Map(), steps: new Map() }): KitManifest {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const seen = new Set<string>();
  lines.forEach((line, i) => {
    const n = i + 1;
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const key = eq > 0 ? line.slice(0, eq) : '';
    if (!KEY.test(key)) throw new ManifestError(`not a key=value line`, n);
    if (seen.has(key) || (key.startsWith('step.') && into.steps.has(Number(key.slice(5, 7))) && !seen.has(`step.${key.slice(5, 7)}`))) throw new ManifestError(`${key}: given twice`, n);
    seen.add(key);
    if (key.startsWith('step.')) seen.add(`step.${key.slice(5, 7)}`);
    const raw = line.slice(eq + 1);
    const bytes = decodeValue(key.endsWith('.argv') ? raw.replace(/ /g, '') : raw);
    if (!bytes) throw new ManifestError(`${key}: value is not percent-encoded text`, n);
    const m = STEP_KEY.exec(key);
    if (!m) {
      if (key.startsWith('step.')) throw new ManifestError(`${key}: not a step field the kit writes`, n);
      into.values.set(key, bytes.toString('utf8'));
      return;
    }
    const order = Number(m[1]);
    const step = into.steps.get(order) ?? newStep(order, from);
    into.steps.set(order, step);
    setStepField(step, m[2], raw, bytes.toString('utf8'), n);
  });
  return into;
}

function newStep(order: number, from: string): KitStepRecord {
  return { order, id: null, kind: null, argv: null, group: null, start: null, end: null, exit: null, unavailable: false, outputs: {}, from };
}

function setStepField(step: KitStepRecord, field: string, raw: string, value: string, line: number): void {
  const int = (): number => {
    if (!/^\d{1,12}$/.test(value)) throw new ManifestError(`step.${pad(step.order)}.${field}: not a number: ${JSON.stringify(value.slice(0, 40))}`, line);
    return Number(value);
  };
  if (field === 'id') step.id = value;
  else if (field === 'kind') step.kind = value;
  else if (field === 'argv') step.argv = raw === '' ? [] : raw.split(' ').map((w) => decodeValue(w)!.toString('utf8'));
  else if (field === 'group') step.group = int();
  else if (field === 'start') step.start = value;
  else if (field === 'end') step.end = value;
  else if (field === 'exit') step.exit = int();
  else if (field === 'unavailable') step.unavailable = value === '1';
  else {
    const [stream, what] = field.split('.') as ['stdout' | 'stderr', string | undefined];
    const out = (step.outputs[stream] ??= { name: null, bytes: null, sha256: null });
    if (what === undefined) {
      if (!OUTPUT_NAME.test(value)) throw new ManifestError(`step.${pad(step.order)}.${field}: ${JSON.stringify(value.slice(0, 80))} is not an output file name of the kit`, line);
      out.name = value;
    } else if (what === 'bytes') out.bytes = int();
    else {
      if (value !== '' && !/^[0-9a-f]{64}$/.test(value)) throw new ManifestError(`step.${pad(step.order)}.${field}: not a SHA-256`, line);
      out.sha256 = value || null;
    }
  }
}

export function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Host time as the kit printed it (`date -u`, with or without %N) → ISO ms and epoch ns; null when malformed. */
export function kitTime(text: string | null): { iso: string; ns: bigint; precision: 'ns' | 's' | 'ms' | 'ticks' } | null {
  if (!text) return null;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(text);
  if (!m) return null;
  const ms = Date.parse(`${m[1]}Z`);
  if (Number.isNaN(ms)) return null;
  const frac = (m[2] ?? '').padEnd(9, '0');
  const ns = BigInt(ms) * 1_000_000n + BigInt(frac);
  const precision = !m[2] ? 's' : m[2].length === 9 ? 'ns' : m[2].length === 7 ? 'ticks' : 'ms';
  return { iso: new Date(Number(ns / 1_000_000n)).toISOString(), ns, precision };
}

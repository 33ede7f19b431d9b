// What a kit's results prove before anything is imported: every output the manifest records is
// present with the recorded size and SHA-256 (else an error naming the file), which steps the kit
// never recorded (an interrupted run), and whether the script that ran is the one this netcustody
// version generates for that OS.
import { createHash } from 'node:crypto';
import { EvidenceError } from '../../evidence/folder.js';
import { PROFILES, type Profile } from '../profiles.js';
import { TOOL_VERSION } from '../../version.js';
import { DEFAULT_KIT_OPTIONS, kitScript, type KitOptions } from './index.js';
import { checkKitBinaries, type KitBinary } from './results-binaries.js';
import { BINARY_NAME } from './sh-binaries.js';
import { type KitManifest, type KitStepRecord, ManifestError, MANIFEST_FORMAT, MANIFEST_NAME, MANIFEST_VERSION, OUTPUT_NAME, pad, parseManifestText } from './manifest.js';
import type { KitResults } from './results-source.js';

export interface CheckedStep {
  record: KitStepRecord;
  /** Every field the kit writes at a step's end is there. */
  complete: boolean;
}

export interface CheckedResults {
  os: Profile['name'];
  manifest: KitManifest;
  manifestBytes: Buffer;
  steps: CheckedStep[];
  /** Profile steps (order, id) the kit left no record of. */
  missing: { order: number; id: string }[];
  /** Output files found without a complete record (interrupted run): not imported. */
  unrecordedFiles: string[];
  runComplete: boolean;
  script: { name: string; version: string; sha256: string | null; expectedSha256: string; matches: boolean };
  hashTool: string;
  /** The options baked into the script that ran (binaries.* lines; defaults for a kit without them). */
  options: KitOptions;
  /** Copies of executables the kit recorded, each checked against its file (issue 18). */
  binaries: KitBinary[];
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

export function checkKitResults(res: KitResults): CheckedResults {
  const where = (file: string): string => `${res.path}${res.kind === 'tar' ? ':' : '/'}${file}`;
  const manifestBytes = res.files.get(MANIFEST_NAME);
  if (!manifestBytes) throw new EvidenceError(`${where(MANIFEST_NAME)}: missing: not the results of a netcustody kit (or the kit stopped before writing anything)`, undefined, 1);
  for (const name of res.files.keys()) {
    if (name !== MANIFEST_NAME && !OUTPUT_NAME.test(name) && !BINARY_NAME.test(name)) throw new EvidenceError(`${where(name)}: not a file the kit writes; refused (kit results hold only manifest.txt, NN-<step>.stdout/.stderr and exe-PID.bin)`, 'import from an untouched copy of the results', 1);
  }
  let manifest: KitManifest;
  const parse = (file: string, text: Buffer, into?: KitManifest): KitManifest => {
    try {
      return parseManifestText(text.toString('latin1'), file, into);
    } catch (err) {
      if (!(err instanceof ManifestError)) throw err;
      throw new EvidenceError(`${where(file)}${err.line ? ` line ${err.line}` : ''}: ${err.message}`, undefined, 1);
    }
  };
  manifest = parse(MANIFEST_NAME, manifestBytes);
  const fromManifest = new Set(manifest.steps.keys());
  // A step still running when the kit was stopped left its own record file: read what it holds.
  for (const [name, bytes] of res.files) {
    const m = OUTPUT_NAME.exec(name);
    if (!m || m[3] !== 'rec') continue;
    // Stopped between appending a record and removing its file: the manifest already holds these very lines.
    if (fromManifest.has(Number(m[1])) && manifestBytes.includes(bytes)) continue;
    if (fromManifest.has(Number(m[1]))) throw new EvidenceError(`${where(name)}: step ${m[1]} is recorded twice, differently (also in ${MANIFEST_NAME})`, undefined, 1);
    manifest = parse(name, bytes, manifest);
  }
  const v = manifest.values;
  if (v.get('format') !== `${MANIFEST_FORMAT}/${MANIFEST_VERSION}`) throw new EvidenceError(`${where(MANIFEST_NAME)}: format ${JSON.stringify(v.get('format') ?? null)} is not ${MANIFEST_FORMAT}/${MANIFEST_VERSION}`, undefined, 1);
  const os = v.get('kit.os');
  if (os !== 'linux' && os !== 'macos' && os !== 'windows') throw new EvidenceError(`${where(MANIFEST_NAME)}: kit.os ${JSON.stringify(os ?? null)} is not linux, macos or windows`, undefined, 1);
  const hashTool = v.get('hash.tool') ?? 'none';

  const steps: CheckedStep[] = [];
  const used = new Set<string>([MANIFEST_NAME]);
  for (const record of [...manifest.steps.values()].sort((a, b) => a.order - b.order)) {
    const complete = isComplete(record, hashTool);
    if (record.id !== null && !/^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/.test(record.id)) throw new EvidenceError(`${where(record.from)}: step ${pad(record.order)} has an id that is not a step id`, undefined, 1);
    if (complete) {
      for (const stream of ['stdout', 'stderr'] as const) {
        const out = record.outputs[stream]!;
        if (out.name !== `${pad(record.order)}-${record.id}.${stream}`) throw new EvidenceError(`${where(record.from)}: step ${pad(record.order)} names ${out.name} as its ${stream}, not ${pad(record.order)}-${record.id}.${stream}`, undefined, 1);
        const bytes = res.files.get(out.name);
        if (!bytes) throw new EvidenceError(`${where(out.name)}: recorded in ${record.from} (${out.bytes} bytes) but missing from the results`, 'import from an untouched copy of the results', 3);
        if (bytes.length !== out.bytes) throw new EvidenceError(`${where(out.name)}: ${bytes.length} bytes, the kit recorded ${out.bytes} on the host: the output changed after the kit ran`, 'import from an untouched copy of the results', 3);
        if (out.sha256 !== null && sha256(bytes) !== out.sha256) throw new EvidenceError(`${where(out.name)}: SHA-256 ${sha256(bytes)} differs from the one the kit recorded on the host (${out.sha256}): the output changed after the kit ran`, 'import from an untouched copy of the results', 3);
        used.add(out.name);
      }
    }
    steps.push({ record, complete });
  }
  for (const name of res.files.keys()) if (OUTPUT_NAME.exec(name)?.[3] === 'rec') used.add(name);
  const options = kitOptions(v, where(MANIFEST_NAME));
  const binaries = checkKitBinaries(v, res.files, hashTool, where);
  for (const b of binaries) if (b.file && b.complete) used.add(b.file);
  const runComplete = v.get('run.complete') === '1';
  const unrecordedFiles = [...res.files.keys()].filter((f) => !used.has(f)).sort();
  if (runComplete && unrecordedFiles.length) throw new EvidenceError(`${where(unrecordedFiles[0])}: no step of the manifest records it (the run completed); refused`, 'import from an untouched copy of the results', 1);

  const recorded = new Set(steps.map((s) => s.record.order));
  let order = 0;
  const missing = PROFILES[os].groups.flatMap((g) => g.steps.map((s) => ({ order: ++order, id: s.id }))).filter((s) => !recorded.has(s.order));
  const expected = kitScript(os, TOOL_VERSION, options);
  const ran = v.get('kit.script.sha256') || null;
  return {
    os,
    manifest,
    manifestBytes,
    steps,
    missing,
    unrecordedFiles,
    runComplete,
    script: { name: v.get('kit.script') ?? expected.name, version: v.get('kit.version') ?? 'unknown', sha256: ran, expectedSha256: expected.sha256, matches: ran === expected.sha256 },
    hashTool,
    options,
    binaries,
  };
}

/** The script's options as its manifest records them; a kit from before issue 18 has none (defaults). */
function kitOptions(v: Map<string, string>, at: string): KitOptions {
  const policy = v.get('binaries.policy');
  const max = v.get('binaries.maxbytes');
  if (policy === undefined && max === undefined) return DEFAULT_KIT_OPTIONS;
  if (policy !== 'auto' && policy !== 'all' && policy !== 'none') throw new EvidenceError(`${at}: binaries.policy ${JSON.stringify(policy ?? null)} is not auto, all or none`, undefined, 1);
  if (!max || !/^\d{1,15}$/.test(max)) throw new EvidenceError(`${at}: binaries.maxbytes ${JSON.stringify(max ?? null)} is not a number of bytes`, undefined, 1);
  return { preserveBinaries: policy, maxBinaryBytes: Number(max) };
}

function isComplete(r: KitStepRecord, hashTool: string): boolean {
  const outs = [r.outputs.stdout, r.outputs.stderr];
  const hashed = (o: (typeof outs)[number]): boolean => o?.sha256 !== null || hashTool === 'none';
  return Boolean(r.id && r.kind && r.argv && r.start && r.end && (r.exit !== null || r.unavailable) && outs.every((o) => o && o.name && o.bytes !== null && hashed(o)));
}

// Child process of the parse benchmark: reads one file, measures the first parse (cold JIT) with its
// peak memory, then 7 more parses (steady state) and the line-split floor.
import { readFileSync } from 'node:fs';
import { statusBytes } from './proc-memory.js';
import { parseText } from '../parse/registry.js';
import { decodeBytes, splitLines } from '../parse/text.js';


interface Timed {
  ms: number;
  records: number;
  unparsed: number;
  /** Bytes this artifact's entry takes in parsed/parse-report.json (its unparsed listing and counts). */
  reportBytes: number;
}

/**
 * One read-decode-parse as the analyze stage does it; only figures leave the function. Each parse
 * runs in its own call so that nothing of it (not even a stale stack slot of the caller) is alive
 * when the next one starts: every parse starts from the same heap.
 */
function timedParse(input: () => Uint8Array): Timed {
  const t0 = process.hrtime.bigint();
  const { text, encoding } = decodeBytes(input());
  const result = parseText(text, 'bench', encoding);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const entry = { lines: result.lines, unparsed: result.unparsed, unparsedNotListed: result.unparsedNotListed, unparsedReasons: result.unparsedReasons, warnings: result.warnings };
  return {
    ms,
    records: result.connections.length + result.unixSockets.length,
    unparsed: result.lines.unparsed,
    reportBytes: Buffer.byteLength(JSON.stringify(entry, null, 2)),
  };
}

function timedFloor(bytes: Uint8Array): number {
  const t0 = process.hrtime.bigint();
  splitLines(decodeBytes(bytes).text);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const file = process.argv[2];
// --once: only the first (cold) parse and its peak memory, for inputs too big to parse 13 times.
const once = process.argv[3] === '--once';
gc();
const baseline = statusBytes('VmRSS');
// First parse alone, reading the file as the analyze stage does (the bytes are let go after
// decoding): its peak is the memory figure.
const first = timedParse(() => readFileSync(file));
const peak = statusBytes('VmHWM') - baseline;
const bytes = readFileSync(file);

const times: number[] = [first.ms];
const floors: number[] = [NaN];
for (let i = 0; i < (once ? 0 : 7); i++) {
  gc();
  times.push(timedParse(() => bytes).ms);
}
if (!once) times.shift();
for (let i = 0; i < (once ? 0 : 5); i++) floors.push(timedFloor(bytes));
if (!once) floors.shift();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
process.stdout.write(
  JSON.stringify({
    parseMs: median(times),
    coldMs: first.ms,
    floorMs: median(floors),
    records: first.records,
    unparsed: first.unparsed,
    reportBytes: first.reportBytes,
    bytes: bytes.length,
    peakRssOverBaseline: peak,
  }),
);

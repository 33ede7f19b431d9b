// Child process of the parse benchmark: reads one file, measures the line-split floor and the
// parse (median of 5), and reports peak RSS over the baseline taken before the file was read.
import { readFileSync } from 'node:fs';
import { parseText } from '../parse/registry.js';
import { decodeBytes, splitLines } from '../parse/text.js';

function vm(field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss;
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const file = process.argv[2];
gc();
const baseline = vm('VmRSS');
// First parse alone, as the analyze stage does it (read, decode, let the bytes go, parse): its peak
// is the memory figure (later runs overlap garbage).
let t0 = process.hrtime.bigint();
let { text, encoding } = decodeBytes(readFileSync(file));
let result: ReturnType<typeof parseText> | null = parseText(text, 'bench', encoding);
const firstMs = Number(process.hrtime.bigint() - t0) / 1e6;
const peak = vm('VmHWM') - baseline;
const bytes = readFileSync(file);
const records = result.connections.length + result.unixSockets.length;
const unparsed = result.lines.unparsed;

// Steady state: 7 more parses; the first (cold, JIT warming up) is reported on its own.
const times: number[] = [];
for (let i = 0; i < 7; i++) {
  // Each parse starts from the same heap: the previous result is not kept alive during the next one.
  result = null;
  gc();
  t0 = process.hrtime.bigint();
  const d = decodeBytes(bytes);
  result = parseText(d.text, 'bench', d.encoding);
  times.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
const floors: number[] = [];
for (let i = 0; i < 5; i++) {
  t0 = process.hrtime.bigint();
  splitLines(decodeBytes(bytes).text);
  floors.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
process.stdout.write(
  JSON.stringify({
    parseMs: median(times),
    coldMs: firstMs,
    floorMs: median(floors),
    records,
    unparsed,
    bytes: bytes.length,
    peakRssOverBaseline: peak,
  }),
);

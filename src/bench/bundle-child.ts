// Child process of the bundle benchmark: one createBundle or verifyEvidence in a fresh process, so
// that its peak memory (VmHWM, sampled VmRSS) belongs to that operation alone.
import { readFileSync } from 'node:fs';
import { createBundle, verifyEvidence } from '../bundle/index.js';

function vm(field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss;
}

const [mode, target, outDir] = process.argv.slice(2);
const baseline = vm('VmRSS');
let sampled = baseline;
const sampler = setInterval(() => (sampled = Math.max(sampled, vm('VmRSS'))), 25);
const t0 = performance.now();
let ok = true;
let zipPath: string | null = null;
if (mode === 'bundle') zipPath = (await createBundle(target, { outDir })).zipPath;
else ok = (await verifyEvidence(target)).ok;
const ms = performance.now() - t0;
clearInterval(sampler);
sampled = Math.max(sampled, vm('VmRSS'));
process.stdout.write(JSON.stringify({ ms, ok, zipPath, baseline, peakSampled: sampled, hwm: vm('VmHWM') }));

// Child process of the bundle benchmark: one createBundle or verifyEvidence in a fresh process, so
// that its peak memory (VmHWM, sampled VmRSS) belongs to that operation alone.
import { statusBytes } from './proc-memory.js';
import { createBundle, verifyEvidence } from '../bundle/index.js';


const [mode, target, outDir] = process.argv.slice(2);
const baseline = statusBytes('VmRSS');
let sampled = baseline;
const sampler = setInterval(() => (sampled = Math.max(sampled, statusBytes('VmRSS'))), 25);
const t0 = performance.now();
let ok = true;
let zipPath: string | null = null;
if (mode === 'bundle') zipPath = (await createBundle(target, { outDir })).zipPath;
else ok = (await verifyEvidence(target)).ok;
const ms = performance.now() - t0;
clearInterval(sampler);
sampled = Math.max(sampled, statusBytes('VmRSS'));
process.stdout.write(JSON.stringify({ ms, ok, zipPath, baseline, peakSampled: sampled, hwm: statusBytes('VmHWM') }));

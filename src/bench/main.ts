// `npm run bench`: one table of every figure the issues ask for, all measured in this run.
import os from 'node:os';
import type { BenchFn, BenchRow } from './types.js';

const SUITES: { name: string; load: () => Promise<BenchFn> }[] = [
  { name: 'parse', load: async () => (await import('./parse.js')).benchParse },
  { name: 'analyze', load: async () => (await import('./analyze.js')).benchAnalyze },
  { name: 'analyze-process', load: async () => (await import('./analyze-process.js')).benchAnalyzeProcess },
  { name: 'report', load: async () => (await import('./report.js')).benchReport },
  { name: 'bundle', load: async () => (await import('./bundle.js')).benchBundle },
  { name: 'run', load: async () => (await import('./run.js')).benchRun },
  { name: 'run-typical', load: async () => (await import('./run-typical.js')).benchRunTypical },
  { name: 'ssh', load: async () => (await import('./ssh.js')).benchSsh },
  { name: 'case-graph', load: async () => (await import('./case-graph.js')).benchCaseGraph },
  { name: 'ssh-binaries', load: async () => (await import('./ssh-binaries.js')).benchSshBinaries },
];

function formatValue(r: BenchRow): string {
  if (Number.isNaN(r.value)) return '—';
  return Number.isInteger(r.value) ? r.value.toLocaleString('en') : r.value.toFixed(r.value < 10 ? 2 : 1);
}

export function formatTable(rows: BenchRow[]): string {
  const cells = rows.map((r) => [r.area, r.metric, `${formatValue(r)} ${r.unit}`, r.target ?? '', r.ok === undefined ? '' : r.ok ? 'ok' : 'MISSED']);
  const header = ['area', 'figure', 'measured', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i])).join(' | ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line)].join('\n');
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const rows: BenchRow[] = [];
  for (const suite of SUITES) {
    if (only.length && !only.includes(suite.name)) continue;
    process.stderr.write(`bench: ${suite.name} …\n`);
    try {
      const fn = await suite.load();
      rows.push(...(await fn()));
    } catch (err) {
      rows.push({ area: suite.name, metric: `failed: ${(err as Error).message.split('\n')[0]}`, value: NaN, unit: '' });
    }
  }
  process.stdout.write(`netcustody benchmarks — ${new Date().toISOString()} — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}\n\n`);
  process.stdout.write(`${formatTable(rows)}\n`);
  if (rows.some((r) => r.ok === false)) process.exitCode = 1;
}

await main();

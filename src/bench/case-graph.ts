// Case graph figures for `npm run bench` (issue 17): loading Graphviz's WebAssembly, laying out a case
// shaped like the four-namespace lab (3 examined hosts, 6 flows, 2 outside peers) and a larger one
// (12 hosts in a chain, 3 flows per hop, 30 outside peers: the caps on processes and peers apply),
// and the size of the SVG each gives.
import { performance } from 'node:perf_hooks';
import { chainCase, labShapedCase } from '../case/synthetic-case.js';
import type { BenchRow } from './types.js';

export async function benchCaseGraph(): Promise<BenchRow[]> {
  const { layoutEngine } = await import('../report/graphviz.js');
  const { caseDiagram } = await import('../case/diagram.js');
  const t0 = performance.now();
  const engine = await layoutEngine();
  const rows: BenchRow[] = [{ area: 'case-graph', metric: `loading ${engine}`, value: Math.round(performance.now() - t0), unit: 'ms' }];
  for (const [label, c] of [['lab-shaped case (3 hosts, 6 flows, 2 outside peers)', labShapedCase()], ['12 hosts in a chain, 33 flows, 30 outside peers', chainCase(12, 3, 30)]] as const) {
    const first = performance.now();
    const svg = (await caseDiagram(c.file, c.outside)).markup;
    const firstMs = performance.now() - first;
    const times: number[] = [];
    for (let i = 0; i < 9; i++) {
      const t = performance.now();
      await caseDiagram(c.file, c.outside);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const size = /width="([\d.]+)pt" height="([\d.]+)pt"/.exec(svg);
    rows.push({ area: 'case-graph', metric: `${label}: DOT, layout and SVG check, first`, value: Math.round(firstMs), unit: 'ms' });
    rows.push({ area: 'case-graph', metric: '  median of 9 more', value: Math.round(times[4]), unit: 'ms' });
    rows.push({ area: 'case-graph', metric: `  SVG size (${size ? `${size[1]} × ${size[2]} pt` : 'size not found'})`, value: Buffer.byteLength(svg), unit: 'bytes' });
  }
  return rows;
}

// The case graph's layout through Graphviz (WebAssembly): the chain from the top down (outside peers
// first, then the hosts in the order of the chain), lead words on the arrows, one-ended flows dashed,
// and in a large case the flows without leads folded so that every lead keeps an arrow of its own.
import { describe, expect, it } from 'vitest';
import { caseDiagram, caseDot } from '../../src/case/diagram.js';
import { chainCase, labShapedCase } from '../../src/case/synthetic-case.js';

/** Top edge (y, SVG coordinates grow downwards) of the first text that is exactly `text`. */
function textY(svg: string, text: string): number {
  const m = new RegExp(`<text[^>]* y="(-?[\\d.]+)"[^>]*>${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</text>`).exec(svg);
  expect(m, text).not.toBeNull();
  return Number(m![1]);
}

describe('case graph layout', () => {
  it('draws the lab-shaped chain from the top down: outside peers, web, db, file', async () => {
    const { file, outside } = labShapedCase();
    const svg = (await caseDiagram(file, outside)).markup;
    const ys = ['not examined: documentation (TEST&#45;NET&#45;3, RFC 5737)', 'web', 'db', 'file'].map((t) => textY(svg, t));
    expect([...ys].sort((a, b) => a - b)).toEqual(ys);
    // Lead words on the arrows and process boxes; the one-ended flow dashed and labelled.
    expect(svg).toContain('[HIGH] CASE&#45;LEAD&#45;PEER C&#45;003');
    expect(svg).toContain('[CRITICAL] host lead L&#45;001');
    expect(svg).toContain('to 203.0.113.66 TCP 4444');
    expect(svg).toContain('seen only from web');
    const dashed = [...svg.matchAll(/<g class="edge">[\s\S]*?<\/g>/g)].map((m) => m[0]).filter((g) => g.includes('stroke-dasharray'));
    expect(dashed).toHaveLength(1);
    expect(dashed[0]).toContain('F&#45;002');
  });

  it('folds, in a large case, the flows without leads into one arrow per pair of hosts; every lead keeps its own', async () => {
    const { file, outside } = chainCase(20, 4, 40);
    expect(file.flows.length).toBeGreaterThan(40);
    const dot = caseDot(file, outside);
    // Every flow with a case lead, and every one-ended flow, is named on an arrow of its own.
    for (const f of file.flows.filter((x) => x.severity !== null || x.seen !== 'both')) expect(dot).toMatch(new RegExp(`"${f.id}[ ,]`));
    // The quiet ones: one arrow per hop, between the hosts' name nodes.
    const folded = dot.split('\n').filter((l) => l.includes('flows, no case lead above low'));
    expect(folded).toHaveLength(19);
    expect(folded[0]).toMatch(/^H1 -> H2 \[label="2 flows, no case lead above low\\lTCP 445, 22\\lF-002, F-004 \(section 4\)\\l"/);
    // At most 8 process boxes per host and 6 addresses per kind of outside network, the rest said in words.
    expect(dot).toContain('more processes (section 4)');
    expect(dot).toMatch(/\d+ more addresses \(section 4\)/);
    const svg = (await caseDiagram(file, outside)).markup;
    expect(svg.match(/<g class="cluster">/g)).toHaveLength(20);
  });
});

// The analyzer on real outputs of other machines (../shared/samples, jc fixtures): parsed with the
// parser registry, then analysed as an import (no host facts: the OS comes from the formats).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/index.js';
import type { Connection, Finding, NetInterface, ProcessFacts, Route } from '../../src/model.js';
import { parseText } from '../../src/parse/registry.js';
import { decodeBytes } from '../../src/parse/text.js';
import { acquisition } from './helpers.js';

const SAMPLES = resolve(__dirname, '../../../shared/samples');

interface Sample {
  name: string;
  files: string[];
  /** Rules whose absence would mean the analyzer misread the host. */
  expectRules?: string[];
  maxHigh: number;
}

// The expectations are data shared with the validation statement (fixtures/validation/samples.json).
const samples: Sample[] = (JSON.parse(readFileSync(resolve(__dirname, '../../fixtures/validation/samples.json'), 'utf8')) as { samples: (Omit<Sample, 'maxHigh'> & { maxHighOrCritical: number })[] }).samples.map((s) => ({ ...s, maxHigh: s.maxHighOrCritical }));

function load(files: string[]) {
  const connections: Connection[] = [];
  const routes: Route[] = [];
  const processes: ProcessFacts[] = [];
  const interfaces: NetInterface[] = [];
  const formats: string[] = [];
  const unparsed: number[] = [];
  files.forEach((file, i) => {
    const { text, encoding } = decodeBytes(readFileSync(resolve(SAMPLES, file)));
    const r = parseText(text, `raw/${String(i + 1).padStart(2, '0')}-${file.split('/').pop()}`, encoding);
    formats.push(r.format);
    unparsed.push(r.lines.unparsed);
    connections.push(...r.connections);
    routes.push(...r.routes);
    processes.push(...r.processes);
    interfaces.push(...r.interfaces);
  });
  const acq = { ...acquisition('unknown', null), host: null, privileges: null, mode: 'import' as const };
  return { input: { acquisition: acq, connections, routes, processes, interfaces }, formats, unparsed };
}

const bySeverity = (findings: Finding[]) => Object.fromEntries(['critical', 'high', 'medium', 'low', 'info'].map((s) => [s, findings.filter((f) => f.severity === s).length]));

describe.runIf(existsSync(SAMPLES)).each(samples)('real sample $name', ({ files, expectRules, maxHigh }) => {
  const { input, formats, unparsed } = load(files);
  const pending = files.filter((_, i) => formats[i] === 'unknown');
  it('is analysed without a flood of high/critical findings', () => {
    const out = analyze(input);
    const counts = bySeverity(out.findings);
    console.log(`${files.join(' + ')} [${formats.join(', ')}] os=${out.summary.os} sockets=${out.summary.sockets} routes=${input.routes.length}: ${JSON.stringify(counts)}\n  ${out.findings.map((f) => `${f.severity} ${f.rule} ${f.process ?? ''}`).join('\n  ')}`);
    expect(out.warnings).toEqual([]);
    expect(counts.critical + counts.high).toBeLessThanOrEqual(maxHigh);
    for (const rule of expectRules ?? []) expect(out.findings.map((f) => f.rule)).toContain(rule);
    for (const f of out.findings) expect(f.refs.length + (f.rule.startsWith('BASE-') ? 1 : 0)).toBeGreaterThan(0);
  });
  // A sample whose parser does not exist yet is kept unparsed (lossless) and analysed once it does.
  if (pending.length > 0) it(`keeps ${pending.join(', ')} unparsed until its parser exists`, () => {
    files.forEach((_, i) => {
      if (formats[i] === 'unknown') expect(unparsed[i]).toBeGreaterThan(0);
    });
  });
});

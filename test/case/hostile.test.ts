// Host names, process names and addresses come from the examined hosts: in the SVG and the case
// report they must stay text (escaped, control characters as markers), never markup.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { caseDiagram } from '../../src/case/diagram.js';
import { caseView } from '../../src/case/view.js';
import { DEFAULT_TEMPLATE_DIR, loadTemplates } from '../../src/report/templates.js';
import type { CaseFile, FlowEnd } from '../../src/case/types.js';

const EVIL = '<script>alert(1)</script>&"\'\u202e\u001b[31m{{constructor}}';

function caseFile(): CaseFile {
  const e = (host: string, port: number, process: string): FlowEnd => ({ host, address: `10.0.0.${host.slice(1)}`, port, pid: 7, process, state: 'ESTABLISHED', ref: { artifact: 'raw/01-netstat-anp.stdout', line: 3 }, lead: { id: 'L-001', severity: 'critical' } });
  const host = (key: string, name: string) => ({ key, name, evidenceId: `${name}_x`, source: `/tmp/${name}`, sourceKind: 'folder' as const, bundle: null, acquisitionSha256: 'a'.repeat(64), custodySha256: 'b'.repeat(64), captureWindow: null, clock: { systemUtc: '', ntpSynchronized: null, offset: null, source: EVIL }, addresses: [{ address: `10.0.0.${key.slice(1)}`, refs: [] }], checked: 'checked', hostLeads: [{ id: 'L-001', severity: 'critical' as const, summary: EVIL, pid: 7 }] });
  return {
    format: 'netcustody-case/1',
    caseId: 'C-1',
    generated: '2026-12-04T00:00:00.000Z',
    tool: { name: 'netcustody', version: 'test' },
    hosts: [host('H1', `web${EVIL}`), host('H2', 'db\u202e</text><svg onload=alert(1)>')],
    flows: [{ id: 'F-001', seen: 'both', client: e('H1', 40000, EVIL), server: e('H2', 22, '</svg><img src=x onerror=alert(1)>'), direction: 'd', note: EVIL, ambiguous: null, severity: 'critical' }],
    leads: [{ id: 'C-001', rule: 'CASE-LEAD-PEER', severity: 'critical', title: 't', summary: `x ${EVIL}`, hosts: ['H1', 'H2'], flows: ['F-001'], refs: [{ host: 'H1', evidenceId: 'e', artifact: 'raw/a', line: 3 }] }],
    ambiguities: [{ kind: 'shared-address', detail: EVIL, hosts: ['H1', 'H2'] }],
  };
}

describe('hostile host text in the case graph and report', () => {
  it('the SVG is well-formed XML with every host text as text', () => {
    const svg = caseDiagram(caseFile(), []).markup;
    expect(svg).not.toMatch(/<script|<img|<svg onload|<\/svg><img/);
    expect(svg.match(/<svg/g)).toHaveLength(1);
    expect(svg.match(/<\/text>/g)).toHaveLength(svg.match(/<text /g)!.length);
    expect(svg).not.toContain('\u202e');
    expect(svg).not.toContain('\u001b');
    expect(svg).toContain('\\u202E');
    const dir = mkdtempSync(join(tmpdir(), 'nc-svg-'));
    writeFileSync(join(dir, 'g.svg'), svg);
    execFileSync('python3', ['-c', 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])', join(dir, 'g.svg')]);
  });

  it('the case report html escapes it everywhere (the SVG inline too)', () => {
    const file = caseFile();
    const svg = caseDiagram(file, []);
    const view = caseView(file, [], { reportId: 'NCC-1', generated: new Date(), examiner: { name: 'E', organisation: null, role: null }, signer: { subject: 'CN=E', selfSigned: true, fingerprint: 'c'.repeat(64) }, zipName: 'c.zip', custody: [], chainOk: true, diagramSvg: svg });
    const html = loadTemplates(join(DEFAULT_TEMPLATE_DIR, 'case'), DEFAULT_TEMPLATE_DIR).render(view);
    expect(html).not.toMatch(/<script|<img|<svg onload/);
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('\u202e');
    expect(html.match(/<svg/g)).toHaveLength(1);
  });
});

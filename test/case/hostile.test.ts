// Host names, process names and addresses come from the examined hosts: in the SVG and the case
// report they must stay text (escaped, control characters as markers), never markup. The diagram goes
// through DOT (Graphviz's own escapes: quotes, backslash sequences, entities) and back as SVG, which is
// checked before a report prints it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { netnsAvailable } from '../lab/netns.mjs';
import { CLI } from '../helpers/cli.js';
import { caseDiagram, caseDot } from '../../src/case/diagram.js';
import { graphvizPicture, SvgRefused } from '../../src/report/svg-check.js';
import { renderDot } from '../../src/report/graphviz.js';
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
  it('the SVG is well-formed XML with every host text as text', async () => {
    const svg = (await caseDiagram(caseFile(), [])).markup;
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

  it('the case report html escapes it everywhere (the SVG inline too)', async () => {
    const file = caseFile();
    const svg = await caseDiagram(file, []);
    const view = caseView(file, [], { reportId: 'NCC-1', generated: new Date(), examiner: { name: 'E', organisation: null, role: null }, signer: { subject: 'CN=E', selfSigned: true, fingerprint: 'c'.repeat(64) }, zipName: 'c.zip', custody: [], chainOk: true, diagramSvg: svg, diagramLayout: 'Graphviz test' });
    const html = loadTemplates(join(DEFAULT_TEMPLATE_DIR, 'case'), DEFAULT_TEMPLATE_DIR).render(view);
    expect(html).not.toMatch(/<script|<img|<svg onload/);
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('\u202e');
    expect(html.match(/<svg/g)).toHaveLength(1);
  });
});

/** The texts Graphviz drew, XML-unescaped: what a reader of the picture sees. */
function drawnTexts(svg: string): string[] {
  const un = (t: string) => t.replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n))).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'").replace(/&amp;/g, '&');
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => un(m[1]));
}

// Each reaches DOT in a host name or a process name: quotes that would end the string and add a node,
// Graphviz's backslash escapes (\N node name, \G, \l line end, \E …), a raw newline, entities Graphviz
// would otherwise decode, record and HTML-label syntax, comment and CDATA ends.
const DOT_HOSTILE = ['web"]; evil [label="pwn', 'a\\N\\G\\l\\E\\T\\H\\\\z', 'x\ny\r\u0000', '&lt;b&gt;&amp;&#60;', '{a|b} <port> <b>x</b>', '--> <!-- ]]> <?x?>'];

function hostileCase(): CaseFile {
  const file = caseFile();
  const end = (host: string, port: number, process: string): FlowEnd => ({ host, address: `10.0.0.${host.slice(1)}`, port, pid: 7, process, state: 'ESTABLISHED', ref: { artifact: 'raw/01-netstat-anp.stdout', line: 3 }, lead: null });
  file.hosts[0].name = DOT_HOSTILE[0];
  file.hosts[1].name = DOT_HOSTILE[1];
  file.flows = DOT_HOSTILE.map((p, i) => ({ id: `F-00${i + 1}`, seen: i % 2 ? 'client-only' : 'both', client: end('H1', 40000 + i, p), server: end('H2', 1000 + i, DOT_HOSTILE[(i + 1) % DOT_HOSTILE.length]), direction: 'd', note: 'n', ambiguous: null, severity: null }));
  file.leads = [];
  return file;
}

describe('host text through DOT and Graphviz', () => {
  it('cannot end a DOT string, use Graphviz escapes or add nodes: every name is drawn as the characters the host printed', async () => {
    const file = hostileCase();
    const dot = caseDot(file, []);
    expect(dot).not.toMatch(/[\u0000\r]/);
    const svg = (await caseDiagram(file, [])).markup;
    // Two host name nodes and one node per distinct process and host (the names are all different).
    const processes = new Set(file.flows.flatMap((f) => [`${f.client.host}|${f.client.process}`, `${f.server.host}|${f.server.process}`]));
    expect(svg.match(/<g class="node">/g)).toHaveLength(2 + processes.size);
    const texts = drawnTexts(svg);
    expect(texts).toContain('web"]; evil [label="pwn');
    expect(texts).toContain('a\\N\\G\\l\\E\\T\\H\\\\z');
    expect(texts).toContain('x\\u000Ay\\u000D\\u0000 (PID 7)');
    expect(texts).toContain('&lt;b&gt;&amp;&#60; (PID 7)');
    expect(texts).toContain('{a|b} <port> <b>x</b> (PID 7)');
    expect(texts).toContain('--> <!-- ]]> <?x?> (PID 7)');
    expect(texts.filter((t) => t.startsWith('seen only from '))).toEqual(['seen only from web"]; evil [label="pwn', 'seen only from web"]; evil [label="pwn', 'seen only from web"]; evil [label="pwn']);
    const dir = mkdtempSync(join(tmpdir(), 'nc-svg-'));
    writeFileSync(join(dir, 'g.svg'), svg);
    execFileSync('python3', ['-c', 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])', join(dir, 'g.svg')]);
  });

  it('draws the same case as the same SVG bytes, twice', async () => {
    const a = await caseDiagram(hostileCase(), []);
    const b = await caseDiagram(hostileCase(), []);
    expect(caseDot(hostileCase(), [])).toBe(caseDot(hostileCase(), []));
    expect(b.markup).toBe(a.markup);
    expect((await caseDiagram(caseFile(), [])).markup).toBe((await caseDiagram(caseFile(), [])).markup);
  });

  // The wasm is inside the package: another Node process with no network at all (unshare -n, root
  // only) lays the case out to the same bytes as this one.
  it.runIf(netnsAvailable())('lays the same case out to the same bytes in another process with no network', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nc-dot-'));
    writeFileSync(join(dir, 'case.json'), JSON.stringify(hostileCase()));
    const script = `import { readFileSync } from 'node:fs'; import { caseDiagram } from ${JSON.stringify(join(dirname(CLI), '../case/diagram.js'))}; process.stdout.write((await caseDiagram(JSON.parse(readFileSync(process.argv[1], 'utf8')), [])).markup);`;
    const other = execFileSync('unshare', ['-n', process.execPath, '--input-type=module', '-e', script, join(dir, 'case.json')], { encoding: 'utf8' });
    expect(other).toBe((await caseDiagram(hostileCase(), [])).markup);
  });

  it('keeps of Graphviz\'s SVG only a plain picture: no prolog, DOCTYPE, comments or ids, netcustody\'s own root', async () => {
    const { svg } = await renderDot('digraph { a [label="onload=x href=y <script>"]; a -> b }');
    expect(svg).toMatch(/^<\?xml[\s\S]*<!DOCTYPE[\s\S]*<!--/);
    const pic = graphvizPicture(svg, { className: 'case-graph', label: 'Case graph' }).markup;
    expect(pic).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" class="case-graph" viewBox="[\d. ]+" width="\d+pt" height="\d+pt" role="img" aria-label="Case graph">/);
    expect(pic).not.toMatch(/<\?xml|<!DOCTYPE|<!--| id="|xlink/);
    // Text that reads like markup is text: it refuses nothing.
    expect(drawnTexts(pic)).toContain('onload=x href=y <script>');
  });

  it('refuses Graphviz SVG carrying a script, handler, foreignObject, link, image, style or entity', async () => {
    const { svg } = await renderDot('digraph { a -> b }');
    const opts = { className: 'case-graph', label: 'Case graph' };
    const inject = (markup: string) => svg.replace('</svg>', `${markup}</svg>`);
    const bad = [
      inject('<script>alert(1)</script>'),
      inject('<g onload="alert(1)"></g>'),
      inject('<foreignObject><p>x</p></foreignObject>'),
      inject('<a xlink:href="https://example.invalid/"><text>x</text></a>'),
      inject('<image href="file:///etc/passwd"/>'),
      inject('<style>*{fill:url(https://example.invalid/)}</style>'),
      inject('<use href="#a"/>'),
      inject('<text fill="url(#x)">x</text>'),
      inject('<text>&xxe;</text>'),
      inject('<![CDATA[<script>]]>'),
      inject('<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
      svg.replace('<svg ', '<svg onload="alert(1)" '),
      svg.replace(/<!DOCTYPE svg[^>]*>/, '<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'),
      `${svg}<script>alert(1)</script>`,
      svg.replace('</svg>', ''),
    ];
    for (const b of bad) expect(() => graphvizPicture(b, opts), b.slice(-120)).toThrow(SvgRefused);
    expect(graphvizPicture(svg, opts).markup).toContain('<svg');
  });
});

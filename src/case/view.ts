// The case report's view: the chain in plain words first, the diagram, then the hosts, flows and case
// leads, what stays ambiguous, the case custody log, verification and the declaration (the host
// report's partials for the last three). Host text is made visible here and escaped by Handlebars; the
// SVG comes from diagram.ts (Graphviz, every text escaped for DOT, the SVG checked by svg-check.ts).
import { SEVERITIES, type CustodyEvent, type Severity } from '../model.js';
import { visible, visibleHost } from '../markers.js';
import { shellQuote, verificationCommands } from '../bundle/commands.js';
import { custodyDetails, wrapCommand } from '../report/view-tables.js';
import type { DeclarationView } from '../report/view-voice.js';
import { trustedTimeView } from '../report/view-model.js';
import type { Picture } from '../report/svg-text.js';
import type { OutsidePeer } from './correlate.js';
import { rows } from './diagram.js';
import type { CaseFile, CaseFlow, FlowEnd } from './types.js';

const rank = (s: Severity | null): number => (s === null ? -1 : SEVERITIES.indexOf(s));

export interface CaseViewContext {
  reportId: string;
  generated: Date;
  examiner: { name: string; organisation: string | null; role: string | null };
  signer: { subject: string; selfSigned: boolean; fingerprint: string };
  zipName: string;
  custody: CustodyEvent[];
  chainOk: boolean;
  diagramSvg: Picture;
  /** What laid the diagram out (graphviz.ts layoutEngine()). */
  diagramLayout: string;
}

function endText(e: FlowEnd, names: Map<string, string>): string {
  const host = e.host ? names.get(e.host) ?? e.host : 'no examined host';
  const proc = e.ref === null ? 'no line in its evidence' : `${e.process === null ? 'process not shown' : `"${e.process}"`}${e.pid !== null ? ` PID ${e.pid}` : ''}`;
  return visibleHost(`${host} ${e.address}:${e.port ?? '*'} (${proc})`);
}

function refText(e: FlowEnd, evidence: Map<string, string>): string {
  return e.ref ? visibleHost(`${evidence.get(e.host ?? '') ?? ''} ${e.ref.artifact}:${e.ref.line}`) : '—';
}

/** The first page: each case lead and each lead process talking outside, in the order of the chain. */
function story(file: CaseFile, outside: OutsidePeer[], names: Map<string, string>): string[] {
  const out: string[] = [];
  const byOutside = outside.filter((p) => p.end.lead && rank(p.end.lead.severity) >= rank('high'));
  for (const p of byOutside) {
    out.push(`On ${names.get(p.host)}, ${p.end.process ? `the program "${p.end.process}"` : 'a program'}${p.end.pid !== null ? ` (process ${p.end.pid})` : ''}, which that host's own report rates ${p.end.lead!.severity} (lead ${p.end.lead!.id}), is connected with ${p.address} port ${p.port}, an address outside the examined hosts (${p.network}).`);
  }
  const chainOrder = ['CASE-LEAD-PEER', 'CASE-LATERAL-ADMIN', 'CASE-SHARED-EXTERNAL'];
  // Along the chain: the rows of the diagram (where the case starts first), then the rule.
  const row = rows(file, outside);
  const at = (hosts: string[]): number => Math.min(...hosts.map((h) => row.get(h) ?? 99));
  const leads = [...file.leads].filter((l) => chainOrder.includes(l.rule)).sort((a, b) => chainOrder.indexOf(a.rule) - chainOrder.indexOf(b.rule) || at(a.hosts) - at(b.hosts) || firstFlow(a.flows) - firstFlow(b.flows));
  for (const l of leads) out.push(`${l.summary} (case lead ${l.id}, ${l.severity}).`.replace(/\.\s*\(case lead/, ' (case lead'));
  return out.map((s) => visibleHost(s.charAt(0).toUpperCase() + s.slice(1)));
}

function firstFlow(ids: string[]): number {
  return ids.length ? Number(ids[0].slice(2)) : 9999;
}

export function caseView(file: CaseFile, outside: OutsidePeer[], ctx: CaseViewContext) {
  const names = new Map(file.hosts.map((h) => [h.key, h.name]));
  const evidence = new Map(file.hosts.map((h) => [h.key, h.evidenceId]));
  const bothEnds = file.flows.filter((f) => f.seen === 'both').length;
  const counts = SEVERITIES.slice().reverse().map((severity) => ({ severity, count: file.leads.filter((l) => l.severity === severity).length }));
  const caseId = visible(file.caseId);
  return {
    meta: { title: `Case ${caseId}: flows between ${file.hosts.length} examined hosts`, reportId: ctx.reportId, caseId, generated: ctx.generated.toISOString(), examiner: visible(ctx.examiner.name), organisation: ctx.examiner.organisation ? visible(ctx.examiner.organisation) : null },
    examiner: { name: visible(ctx.examiner.name), role: ctx.examiner.role ? visible(ctx.examiner.role) : null, organisation: ctx.examiner.organisation ? visible(ctx.examiner.organisation) : null },
    signer: {
      subject: visible(ctx.signer.subject),
      selfSigned: ctx.signer.selfSigned,
      fingerprint: ctx.signer.fingerprint,
      statement: visible(
        ctx.signer.selfSigned
          ? `Signed with a SELF-SIGNED certificate that netcustody created for ${ctx.signer.subject}. The signature shows that the file has not changed since it was signed; no certification authority vouches for the signer's identity. Compare the certificate fingerprint with the one the examiner declares in section 9.`
          : `Signed with the examiner's certificate ${ctx.signer.subject}, issued by a certification authority.`,
      ),
    },
    summary: {
      hosts: file.hosts.length,
      flows: file.flows.length,
      bothEnds,
      oneEnd: file.flows.length - bothEnds,
      story: story(file, outside, names),
      leadCounts: counts,
      totalLeads: file.leads.length,
      gaps: [
        ...file.ambiguities.map((a) => visibleHost(a.detail)),
        ...(file.flows.length - bothEnds > 0 ? [`${file.flows.length - bothEnds} flow(s) are seen from one end only: the other host printed no line for them (section 4 says why each may be so).`] : []),
      ],
    },
    diagram: ctx.diagramSvg,
    diagramLayout: ctx.diagramLayout,
    hosts: file.hosts.map((h) => ({
      key: h.key,
      name: visibleHost(h.name),
      evidenceId: visibleHost(h.evidenceId),
      source: visibleHost(h.source),
      sourceKind: h.sourceKind,
      checked: h.checked,
      addresses: h.addresses.map((a) => visibleHost(a.address)).join(', ') || 'none found',
      window: h.captureWindow ? `${h.captureWindow.start} – ${h.captureWindow.end}` : 'not recorded',
      clock: visibleHost(`${h.clock.source}; NTP synchronised: ${h.clock.ntpSynchronized === null ? 'not shown' : h.clock.ntpSynchronized ? 'yes' : 'no'}${h.clock.offset ? `; offset ${h.clock.offset}` : ''}`),
      bundle: h.bundle ? { file: h.bundle.file, sha256: h.bundle.sha256 } : null,
      acquisitionSha256: h.acquisitionSha256,
      hostLeads: h.hostLeads.map((l) => ({ id: l.id, severity: l.severity, summary: visible(l.summary) })),
    })),
    flows: file.flows.map((f: CaseFlow) => ({
      id: f.id,
      severity: f.severity,
      client: endText(f.client, names),
      server: endText(f.server, names),
      clientRef: refText(f.client, evidence),
      serverRef: refText(f.server, evidence),
      seen: f.seen === 'both' ? 'both ends' : f.seen === 'client-only' ? 'client end only' : 'server end only',
      note: visibleHost(f.note),
      direction: visibleHost(f.direction),
      ambiguous: f.ambiguous ? visibleHost(f.ambiguous) : null,
    })),
    leads: file.leads.map((l) => ({
      id: l.id,
      rule: l.rule,
      severity: l.severity,
      title: l.title,
      summary: visibleHost(l.summary),
      flows: l.flows.join(', '),
      refs: l.refs.map((r) => visibleHost(`${names.get(r.host) ?? r.host}: ${r.evidenceId} ${r.artifact}:${r.line}`)),
    })),
    outside: outside.map((p) => ({ host: visibleHost(names.get(p.host) ?? p.host), peer: visibleHost(`${p.address}:${p.port}`), network: visibleHost(p.network), end: endText(p.end, names), ref: refText(p.end, evidence), lead: p.end.lead ? `${p.end.lead.id} (${p.end.lead.severity})` : '' })),
    limitations: [
      'Only TCP is joined: UDP has no connection both ends agree on.',
      'A host is recognised by the addresses its own evidence shows (local addresses of its sockets, local routes); loopback, link-local and multicast addresses name no host across a network and are not used. Behind NAT or a proxy the two ends of one connection show different addresses and are not joined.',
      'The captures of different hosts are not simultaneous: a connection may have closed before, or opened after, one of them was captured. Each one-ended flow names the capture windows and the clocks as recorded.',
      'An address held by two examined hosts joins nothing: the report says which, instead of choosing one.',
    ],
    custody: {
      ok: ctx.chainOk,
      statement: ctx.chainOk ? `The case custody log verifies: ${ctx.custody.length} events, each chained to the one before.` : 'The case custody log does NOT verify.',
      rows: ctx.custody.map((e) => ({ seq: e.seq, time: e.time, actor: visibleHost(e.actor), action: visibleHost(e.action), object: e.object === null ? null : visibleHost(e.object), sha256: e.sha256, details: custodyDetails(e.details, 160) })),
    },
    verification: { commands: commands(ctx.zipName, file) },
    // The case report is signed without a token; `netcustody timestamp` adds manifest.tsr to the case bundle.
    trustedTime: trustedTimeView([]),
    declaration: declaration(file, ctx),
  };
}

function commands(zipName: string, file: CaseFile): { purpose: string; command: string; expect: string }[] {
  const purposes: [RegExp, string, string][] = [
    [/^sha256sum -c SHA256SUMS/, 'Every file of the case bundle (the host bundles among them) is unchanged', 'every line ends in "OK"'],
    [/^sha256sum -c/, 'The case zip is the one whose hash was logged when it was made', '"OK"'],
    [/^unzip -t/, 'The zip is complete and readable', '"No errors detected"'],
    [/^unzip -q/, 'Unpack the case bundle into a folder of its own', 'no output'],
    [/^cd /, 'Work inside the unpacked case bundle', 'no output'],
    [/^openssl cms/, 'SHA256SUMS was signed by the examiner and is unchanged', '"CMS Verification successful"'],
    [/^pdfsig/, 'This PDF is signed and unchanged since signing', '"Signature is Valid." and "Total document signed"'],
  ];
  const rows = verificationCommands(zipName).map((command) => {
    const p = purposes.find(([re]) => re.test(command));
    return { purpose: p?.[1] ?? 'Further check', command: wrapCommand(command), expect: p?.[2] ?? 'exit code 0' };
  });
  for (const h of file.hosts) {
    if (h.bundle) rows.push({ purpose: `The host bundle of ${visibleHost(h.name)} (evidence ${visibleHost(h.evidenceId)}), inside the case bundle: check it as its own report says`, command: wrapCommand(`netcustody verify ${shellQuote(h.bundle.file)}`), expect: 'exit code 0' });
  }
  rows.push({ purpose: 'Everything above in one step (the host bundles included)', command: wrapCommand(`netcustody verify ${shellQuote(zipName)}`), expect: 'exit code 0' });
  return rows;
}

function declaration(file: CaseFile, ctx: CaseViewContext): DeclarationView {
  const who = [ctx.examiner.name, ctx.examiner.role, ctx.examiner.organisation].filter(Boolean).join(', ');
  return {
    number: 9,
    custom: null,
    opening: visible(`I, ${who}, declare that:`),
    statements: [
      'The facts stated in this report are true to the best of my knowledge and belief, and the opinions I express are my true and complete professional opinion on the matters they refer to.',
      'I understand that my duty is to the court or other body that receives this report, to help it on matters within my expertise; this duty overrides any obligation to the person who instructed or pays me.',
      'I have given this report independently and objectively. I am not aware of any conflict of interest; should one arise, I will disclose it.',
      'I have drawn attention to matters that might affect the validity of the conclusions, in particular what stays ambiguous and the limitations in section 6.',
    ].map((t) => visible(t)),
    did: [
      `I ran netcustody case on the evidence of the ${file.hosts.length} hosts listed in section 3; each bundle was verified, and each folder checked, before anything was read from it.`,
      'The flows and case leads in sections 4 and 5 were produced by netcustody\'s rules from the socket lines of the hosts\' own evidence, which each cites.',
    ].map((t) => visible(t)),
    didNot: [
      'I did not alter the host evidence: each host bundle is in the case bundle byte for byte, with the SHA-256 printed in section 3.',
      'I did not examine any source beyond the host evidence listed; the case leads are not my conclusions unless I adopt them.',
    ].map((t) => visible(t)),
    signature: visible(`This report is signed electronically with the certificate of ${ctx.signer.subject}, whose SHA-256 fingerprint is printed below. I declare that this certificate is mine and that this signature is my signature of this report${ctx.signer.selfSigned ? '; the certificate is self-signed, so this declaration is what ties it to me' : ''}.`),
    signer: { subject: visible(ctx.signer.subject), fingerprint: ctx.signer.fingerprint, selfSigned: ctx.signer.selfSigned },
    name: visible(ctx.examiner.name),
    role: ctx.examiner.role ? visible(ctx.examiner.role) : null,
    organisation: ctx.examiner.organisation ? visible(ctx.examiner.organisation) : null,
    date: ctx.generated.toISOString(),
  };
}

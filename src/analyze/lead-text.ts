// The plain-language sentences of a lead, for a reader with no technical background: who (program,
// process number, program file, user), what and where (listening on / connected to, addresses and
// ports), since when (start time), and how sure (which of the host's own outputs show it). Built
// only from the parsed records' fields; a value the evidence does not hold is "not shown".
import type { Acquisition, Finding, Route, SourceRef } from '../model.js';
import { endpoint } from './address.js';
import type { LeadActors } from './leads.js';
import { safeText } from './names.js';
import type { AnalysisContext, ProcessInfo, RouteInfo, RuleMeta, SocketInfo } from './types.js';

export interface LeadText {
  subject: string;
  summary: string;
  statements: string[];
}

const MAX_SOCKET_SENTENCES = 4;
const MAX_LINES_PER_ARTIFACT = 8;

const q = (text: string): string => `"${safeText(text)}"`;

function hostName(a: Acquisition): string {
  if (a.host?.hostname) return safeText(a.host.hostname);
  if (a.statedHost) return safeText(a.statedHost);
  return 'the examined computer';
}

/** The host as the evidence knows it: an imported capture's host name is the examiner's statement. */
function hostFull(a: Acquisition): string {
  if (!a.host?.hostname && a.statedHost) return `${safeText(a.statedHost)} (host name as stated by the examiner)`;
  return hostName(a);
}

function proto(s: SocketInfo): string {
  return s.protocol.toUpperCase();
}

/** "on all of the computer's network addresses" / "only for programs on this computer" / "on address X". */
function bindText(s: SocketInfo): string {
  if (s.local.cls === 'unspecified') return `on all of the computer's network addresses (${safeText(s.local.text)})`;
  if (s.local.cls === 'loopback') return `only for programs on the same computer (${safeText(s.local.text)})`;
  return `on the address ${safeText(s.local.text)}`;
}

function stateText(state: string | null): string {
  switch (state) {
    case 'ESTABLISHED': return 'an established (open) connection';
    case 'SYN_SENT': return 'a connection being opened (not yet answered)';
    case 'SYN_RECV': return 'a connection being opened (answered)';
    case 'TIME_WAIT': return 'a connection that had just closed';
    case 'CLOSE_WAIT': case 'FIN_WAIT1': case 'FIN_WAIT2': case 'LAST_ACK': case 'CLOSING': return 'a connection being closed';
    case null: return 'a connection (state not shown)';
    default: return `a connection in state ${safeText(state)}`;
  }
}

/** Sentences about sockets, listeners first, each accepted connection right after its listener. */
function socketSentences(sockets: SocketInfo[], owner: string): string[] {
  // Only the first MAX_SOCKET_SENTENCES are written out, the others counted: a busy process has
  // thousands of sockets (and inbound connections are grouped by port once, not per listener).
  const out: string[] = [];
  let total = 0;
  const say = (sentence: () => string): void => {
    if (total++ < MAX_SOCKET_SENTENCES) out.push(sentence());
  };
  const listeners = sockets.filter((s) => s.listening);
  const inbound = sockets.filter((s) => s.inbound);
  const outbound = sockets.filter((s) => !s.listening && !s.inbound);
  const portKey = (s: SocketInfo): string => `${s.protocol}|${s.localPort}`;
  const inboundByPort = new Map<string, SocketInfo[]>();
  for (const c of inbound) {
    const list = inboundByPort.get(portKey(c));
    if (list) list.push(c);
    else inboundByPort.set(portKey(c), [c]);
  }
  const listenersByPort = new Map<string, SocketInfo[]>();
  for (const l of listeners) {
    const list = listenersByPort.get(portKey(l));
    if (list) list.push(l);
    else listenersByPort.set(portKey(l), [l]);
  }
  for (const [key, all] of listenersByPort) {
    const l = all[0] as SocketInfo;
    say(() => {
      const any = all.filter((x) => x.local.cls === 'unspecified');
      const where = [
        ...(any.length ? [`on all of the computer's network addresses (${any.map((x) => safeText(x.local.text)).join(' and ')})`] : []),
        ...all.filter((x) => x.local.cls !== 'unspecified').map(bindText),
      ].join(' and ');
      return l.protocol === 'tcp'
        ? `${owner} was listening for connections on TCP port ${l.localPort} ${where}.`
        : `${owner} was waiting for ${proto(l)} messages on port ${l.localPort ?? 'not shown'} ${where}.`;
    });
    for (const c of inboundByPort.get(key) ?? []) {
      say(() => `The computer at ${safeText(c.remote.text)} (its port ${c.remotePort ?? 'not shown'}) had ${stateText(c.state)} to this listener on ${proto(c)} port ${c.localPort} (local address ${safeText(c.local.text)}).`);
    }
  }
  for (const c of inbound) {
    if (listenersByPort.has(portKey(c))) continue;
    say(() => `The computer at ${safeText(c.remote.text)} (its port ${c.remotePort ?? 'not shown'}) had ${stateText(c.state)} to ${owner === 'It' ? 'it' : owner} on ${proto(c)} port ${c.localPort ?? 'not shown'} (local address ${safeText(c.local.text)}).`);
  }
  for (const c of outbound) {
    say(() => `${owner} had ${stateText(c.state)} to the computer at ${safeText(c.remote.text)} on ${proto(c)} port ${c.remotePort ?? 'not shown'} (from local address ${endpoint(safeText(c.local.text), c.localPort)}).`);
  }
  if (total > MAX_SOCKET_SENTENCES) {
    // As before: the first MAX_SOCKET_SENTENCES sentences, then how many more there are.
    const shown = out.slice(0, MAX_SOCKET_SENTENCES);
    const rest = total - MAX_SOCKET_SENTENCES;
    return [...shown, `${rest} further network ${rest === 1 ? 'entry is' : 'entries are'} listed with the findings.`];
  }
  return out;
}

/** " listened on TCP port 1337, where 203.0.113.66 was connected, and was connected to …" */
function processClause(sockets: SocketInfo[]): string {
  const parts: string[] = [];
  const ports = [...new Set(sockets.filter((s) => s.listening).map((s) => `${proto(s)} port ${s.localPort ?? 'not shown'}`))];
  if (ports.length) {
    const peers = [...new Set(sockets.filter((s) => s.inbound && s.state === 'ESTABLISHED').map((s) => safeText(s.remote.text)))];
    parts.push(`listened for connections on ${ports.slice(0, 3).join(', ')}${ports.length > 3 ? ` and ${ports.length - 3} more` : ''}${peers.length ? `, where ${peers.slice(0, 3).join(', ')} ${peers.length > 1 ? 'were' : 'was'} connected` : ''}`);
  }
  const out = sockets.filter((s) => !s.listening && !s.inbound);
  if (out.length) {
    const first = out[0] as SocketInfo;
    parts.push(`${first.state === 'ESTABLISHED' ? 'was connected' : 'had a connection'} to ${safeText(first.remote.text)} on ${proto(first)} port ${first.remotePort ?? 'not shown'}${out.length > 1 ? ` (and ${out.length - 1} more connection${out.length > 2 ? 's' : ''})` : ''}`);
  }
  return parts.length ? ` ${parts.join(' and ')}` : '';
}

function whoSentences(p: ProcessInfo | undefined, pid: number, name: string | null, host: string): string[] {
  const who = name ? `A program named ${q(name)} (process number ${pid})` : `A program with process number ${pid} (its name is not shown)`;
  const f = p?.facts ?? null;
  const said: string[] = [];
  const missing: string[] = [];
  const rawExe = f?.exe ?? null;
  if (rawExe === null) missing.push('its program file');
  else if (rawExe.startsWith('/memfd:')) said.push(`Its program was held only in memory (${safeText(rawExe)}), with no file on disk.`);
  else if (f?.exeDeleted || rawExe.endsWith(' (deleted)')) said.push(`Its program file ${safeText(rawExe.replace(/ \(deleted\)$/, ''))} had been deleted from the disk.`);
  else said.push(`Its program file was ${safeText(rawExe)}.`);
  if (f?.user) said.push(`It ran as the user ${q(f.user)}.`);
  else if (f?.uid !== null && f?.uid !== undefined) said.push(`It ran as user number ${f.uid} (no user name shown).`);
  else missing.push('the user account it ran as');
  if (f?.startTime) said.push(`It had been running since ${f.startTime.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC')}.`);
  else missing.push('when it started');
  const gap = missing.length ? [`Not shown in the evidence: ${missing.join(', ')}.`] : [];
  return [`${who} was running on ${host}.`, ...said, ...gap];
}

/** The metric as the tools printed it: from every record of this route that has one. */
function metricText(r: RouteInfo, records: Route[]): string {
  const lines = new Set(r.refs.map((x) => `${x.artifact}:${x.line}`));
  const shown = [...new Set(records.filter((x) => lines.has(`${x.source.artifact}:${x.source.line}`) && x.metric !== null).map((x) => x.metric))];
  return shown.length ? `priority (metric) ${shown.join(' or ')}` : 'priority (metric) not shown';
}

function routeSentence(r: RouteInfo, records: Route[]): string {
  const route = r.route;
  const dest = safeText(route.destination);
  const metric = metricText(r, records);
  const iface = route.interface ? `network interface ${safeText(route.interface)}` : 'a network interface not shown';
  if (r.isReject) return `The routing table (the computer's list of where to send network traffic) discards all traffic for ${dest} (a "${safeText(route.type ?? route.flags ?? 'reject')}" route).`;
  const via = route.gateway && !r.onLink ? `through the gateway ${safeText(route.gateway)}` : 'directly (no gateway)';
  if (r.isDefault) return `The routing table (the computer's list of where to send network traffic) sends all traffic with no more specific route ${via} on ${iface}, ${metric}.`;
  return `The routing table (the computer's list of where to send network traffic) sends traffic for ${dest} ${via} on ${iface}, ${metric}.`;
}

function commandOf(a: Acquisition, artifact: string): string | null {
  for (const c of a.commands) if (c.stdout?.path === artifact || c.stderr?.path === artifact) return c.argv.join(' ');
  for (const i of a.imports) if (i.artifact.path === artifact) return i.statedCommand ?? null;
  return null;
}

/** "How sure: the host's own "netstat -anob" output shows this (raw/01-…, lines 10, 34)." */
function howSure(refs: SourceRef[], a: Acquisition): string {
  const byArtifact = new Map<string, number[]>();
  for (const r of refs) byArtifact.set(r.artifact, [...(byArtifact.get(r.artifact) ?? []), r.line]);
  const parts = [...byArtifact].map(([artifact, lines]) => {
    const sorted = [...new Set(lines)].sort((x, y) => x - y);
    const shown = sorted.slice(0, MAX_LINES_PER_ARTIFACT).join(', ') + (sorted.length > MAX_LINES_PER_ARTIFACT ? ` and ${sorted.length - MAX_LINES_PER_ARTIFACT} more` : '');
    const cmd = commandOf(a, artifact);
    return `${cmd ? `"${safeText(cmd)}"` : 'an output whose command was not recorded'} (${safeText(artifact)}, line${sorted.length > 1 ? 's' : ''} ${shown})`;
  });
  if (parts.length === 0) return 'How sure: no evidence line is cited for this lead.';
  const list = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
  const imported = a.mode === 'import' ? ', as imported by the examiner' : '';
  return `How sure: the host's own output of ${list} show${parts.length > 1 ? '' : 's'} this${imported}.`;
}

function whyText(findings: Finding[], metas: Map<string, RuleMeta>): string {
  const active = findings.filter((f) => !f.suppressed);
  const pool = active.length ? active : findings;
  const plains = [...new Set(pool.map((f) => metas.get(f.rule)?.plain ?? metas.get(f.rule)?.title ?? f.title))];
  const expected = pool.filter((f) => f.expected).length === pool.length;
  if (expected) return `Why it is listed: ${plains.join('; ')}; but the built-in list of what a normal computer of this kind runs expects it, so it is noted only for completeness.`;
  return `Why it stands out: ${plains.join('; ')}.`;
}

/**
 * The names the socket listings printed for this process number (joinProcesses keeps them first in
 * rawNames), a name one tool cut short (ss prints 15 characters, lsof 9) counted with the full one.
 * More than one: the number was reused while the listing ran, or the program changed its name; the
 * lead says so rather than pick one.
 */
function listedNames(p: ProcessInfo): string[] {
  const names: string[] = [];
  for (const raw of p.rawNames.slice(0, p.listedNames)) {
    const low = raw.toLowerCase();
    const same = names.findIndex((n) => n.toLowerCase().startsWith(low) || low.startsWith(n.toLowerCase()));
    if (same === -1) names.push(raw);
    else if (raw.length > names[same].length) names[same] = raw;
  }
  return names;
}

export function leadStatements(actors: LeadActors, findings: Finding[], ctx: AnalysisContext, metas: Map<string, RuleMeta>): LeadText {
  const host = hostName(ctx.acquisition);
  const full = hostFull(ctx.acquisition);
  const refs = findings.flatMap((f) => f.refs);
  const statements: string[] = [];
  let subject: string;
  let summary: string;
  if (actors.kind === 'process') {
    const p = actors.pid !== null ? ctx.processes.get(actors.pid) : undefined;
    const listed = p ? listedNames(p) : [];
    const cited = findings.find((f) => f.process)?.process ?? null;
    // A process number the listings show under several names is named as its findings name it.
    const name = (listed.length > 1 && cited !== null ? cited : null) ?? p?.name ?? cited ?? actors.sockets.find((s) => s.processName)?.processName ?? null;
    // Connections accepted on the lead's listeners belong to the story ("who is connected to it").
    const own = p ? p.sockets : actors.sockets;
    const ports = new Set(actors.sockets.filter((s) => s.listening).map((s) => `${s.protocol}|${s.localPort}`));
    // A Set, not actors.sockets.includes(): a busy process has thousands of sockets and hundreds cited.
    const citedSockets = new Set(actors.sockets);
    const sockets = [...actors.sockets, ...own.filter((s) => s.inbound && !citedSockets.has(s) && ports.has(`${s.protocol}|${s.localPort}`))];
    subject = actors.pid !== null ? `process ${name ? `${q(name)} ` : ''}(PID ${actors.pid}) on ${host}` : `process ${name ? q(name) : 'not named'} (PID not shown) on ${host}`;
    if (actors.pid !== null) statements.push(...whoSentences(p, actors.pid, name, full));
    else statements.push(`A program named ${name ? q(name) : '(name not shown)'} was running on ${full}; its process number is not shown.`);
    if (actors.pid !== null && listed.length > 1) {
      statements.push(`The socket listings show process number ${actors.pid} under ${listed.length} names: ${listed.slice(0, 5).map(q).join(', ')}${listed.length > 5 ? ', and others' : ''}; each cited line shows which name held that socket.`);
    }
    const socks = socketSentences(sockets, 'It');
    statements.push(...socks);
    summary = `${name ? q(name) : 'A program'} (process number ${actors.pid ?? 'not shown'}) on ${host}${processClause(sockets)}: ${whyText(findings, metas).replace(/^Why it (stands out|is listed): /, '')}`;
  } else if (actors.kind === 'route') {
    const routes = actors.routeIndexes.map((i) => ctx.routes[i]).filter((r): r is RouteInfo => r !== undefined);
    subject = `route${routes.length > 1 ? 's' : ''} ${routes.map((r) => safeText(r.route.destination)).filter((d, i, all) => all.indexOf(d) === i).join(', ')} on ${host}`;
    statements.push(...routes.slice(0, MAX_SOCKET_SENTENCES).map((r) => routeSentence(r, ctx.routeRecords)));
    if (routes.length > MAX_SOCKET_SENTENCES) statements.push(`${routes.length - MAX_SOCKET_SENTENCES} further routes are listed with the findings.`);
    summary = `${statements[0] ?? `A route on ${host}.`} ${whyText(findings, metas)}`;
  } else if (actors.kind === 'peer' || actors.kind === 'listener') {
    const s = actors.sockets[0];
    subject = s
      ? actors.kind === 'peer'
        ? `connection${actors.sockets.length > 1 ? 's' : ''} with ${safeText(s.remote.text)} (no program shown) on ${host}`
        : `${proto(s)} port ${s.localPort ?? 'not shown'} (no program shown) on ${host}`
      : `an entry on ${host}`;
    statements.push(...socketSentences(actors.sockets, 'A socket with no owning program shown in the evidence'));
    summary = `${statements[0] ?? subject} ${whyText(findings, metas)}`;
  } else {
    subject = `${safeText(findings[0]?.title ?? 'observation')} on ${host}`;
    statements.push(`The analysis noted about ${host}: ${safeText(findings[0]?.title ?? '')}.`);
    summary = statements[0] as string;
  }
  statements.push(whyText(findings, metas));
  statements.push(howSure(refs, ctx.acquisition));
  return { subject, summary, statements };
}

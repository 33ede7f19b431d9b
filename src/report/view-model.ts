// From an evidence folder to the report view: cover, summary, inventory, methodology, custody,
// verification and appendix (tables in view-tables.ts).
import { SEVERITIES, type CommandRecord, type ImportRecord } from '../model.js';
import { expectedBundleName } from '../bundle/naming.js';
import { shellQuote, verificationCommands as bundleVerificationCommands } from '../bundle/commands.js';
import { PATHS } from '../evidence/folder.js';
import { kitView } from './view-kit.js';
import type { ReportInput } from './input.js';
import { excerpt, type RawCache } from './raw-text.js';
import { MAX_FINDING_DETAILS, fullFindings, buildMarks, custodyDetails, processColumns, routeColumns, wrapCommand, connectionGroups, findingGroups, findingViews, isListening, primaryConnections, processRows, routeRows, singleArtifact, splitFindings } from './view-tables.js';
import type { AppendixItem, InventoryItem, ReportView } from './view-types.js';
import { visible, visibleHost } from './visible.js';
import { attentionLeads, leadCounts, leadViews, summaryLeads } from './view-leads.js';
import { compactView, planLeads } from './view-compact.js';
import { processText } from './process-text.js';
import { binariesInventory, hashSetsUsed } from './view-binaries.js';
import type { FolderStatements } from '../evidence/statements.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { coverView, statedCaptureTime } from './view-cover.js';
import { toolView, type ToolFacts } from './view-tool.js';
import { declarationView, examinerView } from './view-voice.js';
import { transportView } from './view-transport.js';
import { leadGraph } from './lead-graph.js';

export interface ViewContext {
  reportId: string;
  generated: Date;
  paper: 'a4' | 'letter';
  examiner: string;
  organisation: string | null;
  signer: { subject: string; selfSigned: boolean; fingerprint: string; source: string };
  appendixLimitBytes: number;
  /** Classroom exercise: findings are not shown (the instructor key has them). */
  findingsWithheld?: boolean;
  /** Most connection rows the PDF lists (default MAX_CONNECTION_ROWS). */
  maxConnectionRows?: number;
  /** Most findings printed in full beyond the critical and high ones (default MAX_FINDING_DETAILS). */
  maxFindingDetails?: number;
  /** The examiner's statements recorded in the folder (identity, scope, notes, conclusions, declaration). */
  statements: FolderStatements;
  /** What produced the report: package hash, Node, Chromium, template. */
  tool: ToolFacts;
  /** TSAs asked for RFC 3161 tokens over this PDF's signature and the bundle's SHA256SUMS (--tsa). */
  tsaUrls?: string[];
}

const MAX_UNPARSED_SHOWN = 200;
const MAX_CUSTODY_DETAILS = 300;

/** Shell-style display of an argv (quoted only where needed). */
export function commandLine(argv: string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

function outcome(c: CommandRecord): { text: string; failed: boolean } {
  if (c.unavailable) return { text: `not available${c.error ? `: ${c.error}` : ''}`, failed: true };
  if (c.timedOut) return { text: `timed out after ${c.timeoutMs} ms`, failed: true };
  if (c.signal) return { text: `killed by ${c.signal}`, failed: true };
  if (c.error) return { text: `error: ${c.error}`, failed: true };
  return { text: `exit code ${c.exitCode ?? '—'}`, failed: c.exitCode !== 0 };
}

function inventoryItem(c: CommandRecord): InventoryItem {
  const o = outcome(c);
  return {
    order: c.order,
    id: visible(c.id),
    kind: c.kind,
    description: visible(c.description),
    command: visible(c.kind === 'file' ? `read ${c.argv.join(' ')}` : commandLine(c.argv)),
    start: c.start,
    end: c.end,
    durationMs: c.durationMs,
    outcome: visible(o.text),
    failed: o.failed,
    stdout: c.stdout ? { ...c.stdout, path: visibleHost(c.stdout.path) } : null,
    stderr: c.stderr ? { ...c.stderr, path: visibleHost(c.stderr.path) } : null,
  };
}

function importItem(i: ImportRecord): InventoryItem {
  const stated = [
    i.statedCapturedAt ? `captured ${i.statedCapturedAt}` : '',
    i.statedCapturedBy ? `by ${i.statedCapturedBy}` : '',
    i.statedHost ? `on ${i.statedHost}` : '',
    i.statedOs ? `OS ${i.statedOs}` : '',
  ].filter(Boolean).join(' ');
  return {
    order: i.order,
    id: visible(i.id),
    kind: 'import',
    description: visibleHost(`imported from ${i.originalPath} (${i.originalSize} bytes, modified ${i.originalMtime})${stated ? `; ${stated} (as stated)` : ''}${i.statedSourceSha256 ? '; matches the SHA-256 taken at the scene' : ''}`),
    command: i.statedCommand ? visibleHost(i.statedCommand) : '(command not stated)',
    start: i.intakeTime,
    end: i.intakeTime,
    durationMs: null,
    outcome: 'imported',
    failed: false,
    stdout: { ...i.artifact, path: visibleHost(i.artifact.path) },
    stderr: null,
  };
}

function windowText(input: ReportInput): string {
  const w = input.acquisition.captureWindow;
  if (w) return `${w.start} – ${w.end} (${w.durationMs} ms)`;
  // Imports: the tool did not see the capture; the examiner may state when it happened.
  return statedCaptureTime(input.acquisition) ?? 'not recorded';
}

/** Why a privileged capture can show listeners without an owner (Linux and BSD tools print "-"). */
function ownerlessListeners(input: ReportInput, primary: ReturnType<typeof primaryConnections>): string | null {
  if (input.acquisition.privileges?.privileged !== true) return null;
  const ownerless = primary.filter((c) => isListening(c) && c.pid === null && !c.process && c.protocol !== 'raw' && !c.format.startsWith('windows'));
  if (ownerless.length === 0) return null;
  const n = ownerless.length;
  return `${n} listening socket${n > 1 ? 's show' : ' shows'} no owning process although the collection ran with administrative privileges. This happens when a socket belongs to another network namespace or container (its processes are not visible from the namespace the tools ran in), or to the kernel itself (NFS server and lockd, in-kernel RPC, WireGuard, VXLAN/Geneve tunnels); a process hidden from the tools by a rootkit is a rarer cause (compare with /proc/net in the cross-source findings).`;
}

function limitations(input: ReportInput, primaryCount: number, omittedRows: number, ownerless: string | null = null): string[] {
  const a = input.acquisition;
  const out: string[] = [];
  if (a.status !== 'complete') out.push(`The acquisition is marked "${a.status}": some planned steps may not have run.`);
  if (a.mode === 'import') out.push('The outputs were imported from files captured elsewhere: their capture time, command and completeness rest on the statement of whoever captured them.');
  if (a.privileges && !a.privileges.privileged) out.push('The collection ran without administrative privileges: sockets of other users may show no process, and process details may be missing.');
  for (const m of input.missing) out.push(`${m} is missing: the corresponding part of this report is empty.`);
  out.push(...input.notes);
  if (primaryCount < input.connections.length) out.push(`The connection tables show the primary listing (${primaryCount} records); ${input.connections.length - primaryCount} further records from other views are in ${PATHS.connections}.`);
  if (omittedRows > 0) {
    out.push(`${omittedRows} of ${primaryCount} connection rows are not printed in this report (rows findings point at come first); all of them are in ${PATHS.connections}, whose hash is in the bundle.`);
  }
  if (ownerless) out.push(ownerless);
  if (!input.chain.ok) out.push(`The custody log does not verify: ${input.chain.reason ?? 'unknown reason'}.`);
  out.push('Socket and route tables are a snapshot: connections opened and closed between the commands are not seen, and a compromised host can hide sockets from its own tools.');
  out.push('The results relate only to the items examined: the outputs listed in the evidence inventory, captured in the stated window.');
  return out.map((l) => visibleHost(l));
}

function appendix(input: ReportInput, cache: RawCache, limit: number): AppendixItem[] {
  const files: { path: string; sha256: string; bytes: number; title: string }[] = [];
  for (const c of input.acquisition.commands) {
    const cmd = c.kind === 'file' ? c.argv.join(' ') : commandLine(c.argv);
    if (c.stdout) files.push({ ...c.stdout, title: `${cmd} — standard output` });
    if (c.stderr && c.stderr.bytes > 0) files.push({ ...c.stderr, title: `${cmd} — standard error` });
  }
  for (const i of input.acquisition.imports) files.push({ ...i.artifact, title: `imported ${i.originalPath}` });
  return files.map((f) => {
    const ex = excerpt(input.dir, f.path, limit, cache);
    return {
      path: visibleHost(f.path),
      title: visibleHost(f.title),
      sha256: f.sha256,
      bytes: f.bytes,
      encoding: ex?.encoding ?? 'unknown',
      lines: (ex?.lines ?? []).map((l) => ({ n: l.n, text: visibleHost(l.text, { keepTabs: true }) })),
      totalLines: ex?.totalLines ?? 0,
      shownBytes: ex?.shownBytes ?? 0,
      truncated: ex?.truncated ?? false,
      missing: ex === null,
    };
  });
}

export function buildView(input: ReportInput, ctx: ViewContext, cache: RawCache = new Map()): ReportView {
  const a = input.acquisition;
  const marks = buildMarks(input);
  // Thousands of leads: the serious ones in full, the rest compact by rule (view-compact.ts).
  const plan = planLeads(input.leads, input.findings.length, ctx.maxFindingDetails ?? MAX_FINDING_DETAILS);
  const split = plan.dense ? fullFindings(input.findings, plan.full) : splitFindings(input.findings, ctx.maxFindingDetails);
  const findings = findingViews(split.detailed, input, cache);
  // Counts cover every finding, also those only summarised.
  const activeAll = input.findings.filter((f) => !f.suppressed);
  const leads = leadViews(input.leads, findings);
  const fullLeads = plan.dense ? leadViews(plan.full, findings) : leads;
  const compact = compactView(plan, input, cache);
  const told = summaryLeads(leads);
  const activeLeads = leads.filter((l) => !l.suppressed);
  const attention = attentionLeads(leads).length;
  const primary = primaryConnections(input.connections);
  const groups = connectionGroups(primary, marks, ctx.maxConnectionRows);
  const omitted = groups.reduce((n, g) => n + g.omitted, 0);
  const processCount = new Set(primary.map((c) => (c.pid === null ? `?${c.process ?? ''}` : String(c.pid)))).size;
  const processRowsShown = processRows(primary, input.processes, input.findings);
  const routes = routeRows(input.routes, marks);
  const host = a.host;
  // Imports have no observed host: show the examiner's statement, marked as such.
  const hostName = visibleHost(host?.hostname ?? (a.statedHost ? `${a.statedHost} (as stated)` : 'unknown host'));
  const items = a.commands.map(inventoryItem);
  const imports = a.imports.map(importItem);
  const unparsed = (input.parseReport?.artifacts ?? []).flatMap((p) => p.unparsed.map((u) => ({ artifact: visibleHost(p.artifact), line: u.line, text: visibleHost(u.text, { keepTabs: true }), reason: visible(u.reason) })));
  const commandsRun = [...new Set(a.commands.map((c) => commandLine(c.argv)))].join('; ');
  const signerStatement = ctx.signer.selfSigned
    ? `Signed with a SELF-SIGNED certificate that netcustody created for ${ctx.signer.subject}. The signature shows that the file has not changed since it was signed; no certification authority vouches for the signer's identity. Compare the certificate fingerprint below with the one the examiner declares in section 11.`
    : `Signed with the examiner's certificate ${ctx.signer.subject}, issued by a certification authority.`;
  return {
    meta: {
      title: `Network state of ${hostName}`,
      reportId: visible(ctx.reportId),
      caseId: visibleHost(a.caseId),
      evidenceId: visibleHost(a.evidenceId),
      examiner: visible(ctx.examiner),
      organisation: ctx.organisation === null ? null : visible(ctx.organisation),
      host: hostName,
      os: visibleHost(host ? `${host.os}, ${host.arch}` : a.statedOs ? `${a.statedOs} (as stated)` : 'unknown'),
      generated: ctx.generated.toISOString(),
      tool: visible(`${a.tool.name} ${a.tool.version}`),
      paper: ctx.paper === 'letter' ? 'US Letter' : 'A4',
      mode: kitView(a)?.mode ?? (a.mode === 'import' ? 'import of captured files' : a.transport?.kind === 'ssh' ? 'live collection over SSH from the examiner\'s workstation' : 'live collection on the host'),
      status: visible(a.status),
    },
    signer: { subject: visible(ctx.signer.subject), selfSigned: ctx.signer.selfSigned, fingerprint: ctx.signer.fingerprint, source: visibleHost(ctx.signer.source), statement: visible(signerStatement) },
    summary: {
      collected: visibleHost(`${items.length + imports.length} artifact(s) from ${host?.hostname ?? a.statedHost ?? 'an unknown host'} by ${kitView(a) ? 'the field kit' : a.mode === 'import' ? 'import' : 'live collection'}${commandsRun ? `: ${commandsRun}` : ''}.`),
      window: visible(windowText(input)),
      severityCounts: SEVERITIES.slice().reverse().map((s) => ({ severity: s, count: activeAll.filter((f) => f.severity === s).length })),
      leadCounts: leadCounts(input.leads),
      totalLeads: activeLeads.length,
      leads: told,
      attentionLeads: attention,
      untoldLeads: attention - told.length,
      otherLeads: activeLeads.length - attention,
      mainLead: told[0] ? { severity: told[0].severity, summary: told[0].summary } : null,
      leadGraph: ctx.findingsWithheld ? null : leadGraph(input.leads, primary),
      totalFindings: activeAll.length,
      suppressedFindings: input.findings.length - activeAll.length,
      totals: {
        artifacts: items.length + imports.length,
        connections: primary.length,
        listening: groups[0].total,
        established: groups[1].total,
        other: groups[2].total,
        // Unique routes: netstat -rn and ip route print the same route twice.
        routes: routes.length,
        routeLines: input.routes.length,
        routeListings: new Set(input.routes.map((r) => r.source.artifact)).size,
        processes: processCount,
        unparsed: input.parseReport?.totals.unparsedLines ?? unparsed.length,
      },
      chainOk: input.chain.ok,
    },
    inventory: { items, imports, window: visible(windowText(input)), totalBytes: [...items, ...imports].reduce((n, i) => n + (i.stdout?.bytes ?? 0) + (i.stderr?.bytes ?? 0), 0), binaries: binariesInventory(a.commands) },
    hashSets: hashSetsUsed(input.custody),
    transport: transportView(a),
    methodology: {
      tool: visible(`${a.tool.name} ${a.tool.version}`),
      profile: visible(a.profile),
      mode: a.mode,
      kit: kitView(a)?.lines ?? null,
      volatility: [...a.commands].sort((x, y) => x.order - y.order).map((c) => ({ order: c.order, command: visible(commandLine(c.argv)), description: visible(c.description) })),
      privileges: {
        user: visibleHost(a.privileges?.user ?? (a.mode === 'import' ? `not observed (imported files)${[...new Set(a.imports.map((i) => i.statedCapturedBy).filter(Boolean))].map((b) => `; captured by ${b} (as stated)`).join('')}` : 'unknown')),
        uid: a.privileges?.uid === null || a.privileges?.uid === undefined ? '—' : String(a.privileges.uid),
        privileged: a.privileges?.privileged ?? null,
        limitations: (a.privileges?.limitations ?? []).map((l) => visibleHost(l)),
      },
      clock: {
        systemUtc: a.clock.systemUtc,
        ntp: a.clock.ntpSynchronized === null ? 'unknown' : a.clock.ntpSynchronized ? 'yes' : 'no',
        source: visibleHost(a.clock.source),
        timeZone: visibleHost(host?.timeZone ?? 'unknown'),
        offset: host ? `UTC${host.utcOffsetMinutes >= 0 ? '+' : '−'}${String(Math.floor(Math.abs(host.utcOffsetMinutes) / 60)).padStart(2, '0')}:${String(Math.abs(host.utcOffsetMinutes) % 60).padStart(2, '0')}` : 'unknown',
      },
      parse: (input.parseReport?.artifacts ?? []).map((p) => ({ artifact: visibleHost(p.artifact), format: visible(p.format), encoding: visible(p.encoding), total: p.lines.total, records: p.lines.records, headers: p.lines.headers, blank: p.lines.blank, unparsed: p.lines.unparsed })),
      unparsed: unparsed.slice(0, MAX_UNPARSED_SHOWN),
      // Counted, not listed: beyond the listed lines of each artifact parse-report.json keeps only counts.
      unparsedTotal: input.parseReport?.totals.unparsedLines ?? unparsed.length,
      unparsedShown: Math.min(unparsed.length, MAX_UNPARSED_SHOWN),
      limitations: limitations(input, primary.length, omitted, ownerlessListeners(input, primary)),
      warnings: a.warnings.map((w) => visibleHost(w)),
    },
    findings,
    leads: fullLeads,
    compact: ctx.findingsWithheld ? null : compact,
    leadsPath: PATHS.leads,
    findingGroups: findingGroups(split.rest),
    findingsPath: PATHS.findings,
    connections: { groups, total: primary.length, otherViews: input.connections.length - primary.length, markedCount: groups.reduce((n, g) => n + g.rows.filter((r) => r.marked).length, 0), omitted, csvPath: PATHS.connections, jsonPath: PATHS.connections },
    routes: { rows: routes, cols: routeColumns(routes, singleArtifact(input.routes.map((r) => r.source)) !== null), artifact: singleArtifact(input.routes.map((r) => r.source)), markedCount: routes.filter((r) => r.marked).length, lines: input.routes.length, listings: new Set(input.routes.map((r) => r.source.artifact)).size },
    processes: processRowsShown,
    processCols: processColumns(processRowsShown),
    processText: processText(processRowsShown),
    processesOmitted: processCount - processRowsShown.length,
    processesTotal: processCount,
    analysisPath: PATHS.analysis,
    custody: {
      rows: input.custody.map((e) => {
        return {
          seq: e.seq,
          time: e.time,
          actor: visibleHost(String(e.actor)),
          action: visibleHost(String(e.action)),
          object: e.object === null ? null : visibleHost(String(e.object)),
          sha256: e.sha256,
          details: custodyDetails(e.details, MAX_CUSTODY_DETAILS),
        };
      }),
      ok: input.chain.ok,
      events: input.chain.events,
      statement: visible(
        input.chain.ok
          ? `The hash chain of all ${input.chain.events} events verifies: each line's "prev" is the SHA-256 of the line before it, so no event was changed, removed or reordered.`
          : `THE HASH CHAIN IS BROKEN at line ${input.chain.firstBrokenLine ?? '?'}: ${input.chain.reason ?? 'unknown reason'}. Events from that line on cannot be relied upon.`,
      ),
    },
    findingsWithheld: ctx.findingsWithheld === true,
    verification: { commands: verificationCommandRows(expectedBundleName(a, input.custody), (ctx.tsaUrls ?? []).length > 0) },
    trustedTime: trustedTimeView(ctx.tsaUrls ?? []),
    cover: coverView(a),
    examiner: examinerView(ctx.statements),
    declaration: declarationView(ctx.statements, { acquisition: a, tool: `${a.tool.name} ${a.tool.version}`, generated: ctx.generated, signer: ctx.signer, hasConclusions: ctx.statements.texts.conclusions !== undefined }),
    tool: toolView(ctx.tool, `${TOOL_NAME} ${TOOL_VERSION}`, a.profile, `${a.tool.name} ${a.tool.version}`, ctx.findingsWithheld === true),
    appendix: { items: appendix(input, cache, ctx.appendixLimitBytes), limitBytes: ctx.appendixLimitBytes },
  };
}

/** The bundle stage's own command list (tests run exactly these), each with what it proves. */
/**
 * The token is made over this PDF's signature after the page is printed: the report can say which
 * TSA was asked, never the TSA's time (verify and pdfsig show it).
 */
export function trustedTimeView(urls: string[]): { requested: boolean; short: string; text: string } {
  if (urls.length === 0) return { requested: false, short: 'none requested: the times below come from the examiner\'s and the host\'s clocks', text: 'None requested: every time in this report comes from the examiner\'s workstation clock or the examined host\'s clock.' };
  return {
    requested: true,
    short: visible(`RFC 3161 token requested from ${urls[0]}${urls.length > 1 ? ` (or ${urls.length - 1} more)` : ''}; netcustody verify shows its time`),
    text: visible(`RFC 3161 time-stamp requested from ${urls.join(', then ')} over this PDF's signature (and over the bundle's SHA256SUMS as manifest.tsr). The token is added to the signature after this page was printed, so the TSA's time, name and policy are shown by netcustody verify (and openssl ts -reply -text for manifest.tsr), not here; pdfsig checks the signature but, in poppler 22.12, does not display the token; if the TSA did not answer, the custody log says so and verify reports "no trusted timestamp".`),
  };
}

function verificationCommandRows(zipName: string, timestamped = false): { purpose: string; command: string; expect: string }[] {
  const explain = (command: string): { purpose: string; expect: string } => {
    if (command.startsWith('sha256sum -c SHA256SUMS')) return { purpose: 'Every file of the bundle is unchanged', expect: 'every line ends in "OK"' };
    if (command.startsWith('sha256sum -c')) return { purpose: 'The zip is the one whose hash was logged at bundling', expect: '"OK"' };
    if (command.startsWith('unzip -t')) return { purpose: 'The zip is complete and readable', expect: '"No errors detected"' };
    if (command.startsWith('unzip -q')) return { purpose: 'Unpack the bundle into a folder of its own', expect: 'no output' };
    if (command.startsWith('cd ')) return { purpose: 'Work inside the unpacked bundle', expect: 'no output; the next commands run inside the unpacked folder' };
    if (command.startsWith('openssl cms')) return { purpose: 'SHA256SUMS was signed by the examiner and is unchanged', expect: '"CMS Verification successful"' };
    if (command.startsWith('pdfsig')) return { purpose: 'This PDF is signed and unchanged since signing', expect: '"Signature is Valid." and "Total document signed"' };
    return { purpose: 'Further check', expect: 'exit code 0' };
  };
  return [
    ...bundleVerificationCommands(zipName).map((command) => ({ command: wrapCommand(command), ...explain(command) })),
    { purpose: 'The certificate is the examiner\'s (compare with the fingerprint on this report)', command: 'openssl x509 -in examiner-cert.pem -noout -subject -fingerprint -sha256', expect: 'the subject and SHA-256 fingerprint printed in this report' },
    ...(timestamped ? [{ purpose: 'A time-stamping authority saw SHA256SUMS at the time in its token (tsa-ca.pem: the TSA\'s CA certificate, obtained from the TSA)', command: 'openssl ts -verify -data SHA256SUMS -in manifest.tsr -CAfile tsa-ca.pem', expect: '"Verification: OK"' }] : []),
    { purpose: 'Everything above plus the custody hash chain, in one step', command: wrapCommand(`netcustody verify ${shellQuote(zipName)}`), expect: 'exit code 0' },
  ];
}

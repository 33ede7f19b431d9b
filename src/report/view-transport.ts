// How the evidence reached the workstation (issue 13): for an SSH collection the report names the
// target as given and resolved, the host key the connection used (the examined system's identity),
// the remote account, the clock comparison, the transit check of every output and everything that
// ran on the target (the examiner's footprint). All host-supplied text goes through visibleHost.
import type { Acquisition } from '../model.js';
import { visible, visibleHost } from './visible.js';

export interface TransportView {
  kind: string;
  /** One line for the cover. */
  summary: string;
  rows: { label: string; value: string }[];
  clock: { when: string; remote: string; offset: string; rtt: string }[];
  transit: { step: string; result: string; remote: string; received: string }[];
  transitProblems: number;
  footprint: { purpose: string; command: string; script: string | null }[];
  footprintNote: string;
  testHooks: string[];
}

export function transportView(a: Acquisition): TransportView | null {
  const t = a.transport;
  if (!t || t.kind !== 'ssh') return null;
  const r = t.resolved;
  const where = r ? `${r.user}@${r.hostname}:${r.port}${r.proxyJump ? ` via ${r.proxyJump}` : ''}` : 'not resolved';
  const key = t.hostKey ? `${t.hostKey.type} ${t.hostKey.fingerprint}` : 'not recorded';
  const rows = [
    { label: 'Target as given', value: visibleHost(t.target ?? '') },
    { label: 'Resolved (ssh -G)', value: visibleHost(`${where}${r?.configFile ? `; ssh_config ${r.configFile}` : ''}`) },
    { label: 'Host key used', value: visibleHost(`${key}${t.hostKey?.knownHosts ? ` — matched ${t.hostKey.knownHosts}` : ''}`) },
    { label: 'Remote account', value: visibleHost(`${t.remote?.user ?? '—'}; id: ${t.remote?.id ?? '—'}`) },
    { label: 'Host name (uname -n)', value: visibleHost(t.remote?.unameN ?? '—') },
    { label: 'Profile', value: visibleHost(`${t.profileDetection?.profile ?? a.profile} — the target answered \`${t.profileDetection?.asked ?? 'uname -s'}\` with "${t.profileDetection?.answer ?? ''}"${t.profileDetection?.overriddenBy ? `; chosen by ${t.profileDetection.overriddenBy}` : ''}`) },
    { label: 'Collection session', value: visibleHost(t.remote?.sshConnection ? `SSH_CONNECTION on the target: ${t.remote.sshConnection} (this connection is in the captured socket lists)` : 'not reported by the target') },
    { label: 'Software', value: visibleHost(`client ${t.client ?? '—'}; server ${t.serverSoftware ?? '—'}`) },
    { label: 'Target tools', value: visibleHost(`hash: ${t.remote?.hashTool ?? 'none'}; timeout: ${t.remote?.timeout ? 'yes' : 'no (only the workstation limits each step)'}`) },
  ];
  if (t.options?.length) rows.push({ label: 'ssh options', value: visibleHost(t.options.join(' ')) });
  if (t.lost) rows.push({ label: 'Connection lost', value: visibleHost(t.lost) });
  const clock = (t.clock?.readings ?? []).map((c) => ({
    when: visible(c.when),
    remote: visibleHost(c.remoteText),
    offset: c.offsetMs === null ? 'unreadable' : `${c.offsetMs >= 0 ? '+' : ''}${c.offsetMs.toFixed(1)} ms ± ${(c.rttMs / 2).toFixed(1)}${c.secondsOnly ? ' (whole seconds only)' : ''}`,
    rtt: `${c.rttMs} ms`,
  }));
  const transit = a.commands.filter((c) => c.remote).map((c) => ({
    step: visible(`${String(c.order).padStart(2, '0')} ${c.id}`),
    result: visible(c.remote!.transit === 'mismatch' ? 'MISMATCH — transit error' : c.remote!.transit === 'match' ? 'match' : `not taken${c.remote!.note ? ` (${c.remote!.note})` : ''}`),
    remote: c.remote!.stdoutSha256 ?? '—',
    received: c.stdout?.sha256 ?? '—',
  }));
  const offset = t.clock?.offsetMs;
  const summary = visibleHost(`SSH from the examiner's workstation to ${t.target} (${where}); host key ${key}${offset === null || offset === undefined ? '' : `; target clock ${offset >= 0 ? '+' : ''}${offset.toFixed(1)} ms from the workstation's`}`);
  return {
    kind: 'ssh',
    summary,
    rows,
    clock,
    transit,
    transitProblems: transit.filter((x) => x.result.startsWith('MISMATCH')).length,
    footprint: (t.footprint?.commands ?? []).map((f) => ({ purpose: visible(f.purpose), command: visible(f.command), script: f.scriptSha256 ?? null })),
    footprintNote: visible(`${t.footprint?.note ?? ''}${t.footprint?.readerSha256 ? ` The process-facts reader script (SHA-256 ${t.footprint.readerSha256}) ran from the workstation through sh; each script's full text is in acquisition.json (transport.footprint).` : ''}`),
    testHooks: (t.testHooks ?? []).map((h) => visible(h)),
  };
}

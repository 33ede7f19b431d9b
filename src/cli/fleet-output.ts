// What collect/run print for SSH targets: one line per host on stderr, --json shapes on stdout.
import type { FleetResult, HostOutcome } from '../collect/ssh/fleet.js';

export function reportFleet(fleet: FleetResult, log: (line: string) => void): void {
  const failed = fleet.hosts.filter((h) => h.status !== 'ok');
  log(`fleet: ${fleet.hosts.length - failed.length} of ${fleet.hosts.length} host(s) collected; ${fleet.fleetFile}`);
  for (const h of fleet.hosts) {
    if (h.status === 'ok') log(`  ok      ${h.target}  ${h.hostKey ?? ''}  ${h.evidenceDir}`);
    else {
      log(`${h.status.toUpperCase()}: ${h.target}: ${h.error}${h.evidenceDir ? ` (what arrived is in ${h.evidenceDir})` : ''}`);
      if (h.hint) log(`  hint: ${h.hint}`);
    }
  }
}

/** One target: the fields of a local collect plus the transport. */
export function hostJson(h: HostOutcome, fleet: FleetResult): Record<string, unknown> {
  const r = h.result;
  return {
    evidenceDir: h.evidenceDir,
    evidenceId: r?.evidenceId ?? null,
    captureWindow: r?.acquisition.captureWindow ?? null,
    interrupted: h.status === 'interrupted',
    failure: r?.failure ?? null,
    commands: r?.acquisition.commands.length ?? 0,
    status: h.status,
    error: h.error,
    transport: r?.acquisition.transport ?? { kind: 'ssh', target: h.target, hostKey: h.hostKey ? { fingerprint: h.hostKey } : null },
    fleet: fleet.fleetFile,
  };
}

export function fleetJson(fleet: FleetResult): Record<string, unknown> {
  return {
    case: fleet.caseId,
    caseDir: fleet.caseDir,
    fleet: fleet.fleetFile,
    hosts: fleet.hosts.map((h) => ({ target: h.target, status: h.status, evidenceDir: h.evidenceDir, error: h.error, hostKey: h.hostKey, errorKind: h.errorKind, timings: h.timings })),
  };
}

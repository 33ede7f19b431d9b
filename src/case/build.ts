// From opened sources to case.json's content: names, addresses, ambiguities, flows, leads.
import type { Severity } from '../model.js';
import { SEVERITIES } from '../model.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { addressBook, hostAddresses } from './addresses.js';
import { correlate, type OutsidePeer } from './correlate.js';
import { caseLeads, markFlows } from './leads.js';
import type { Ambiguity, CaseFile, CaseHost, CaseHostInput, HostAddress } from './types.js';

export interface BuiltCase {
  file: CaseFile;
  outside: OutsidePeer[];
  /** The inputs kept (a host given twice is read once). */
  inputs: CaseHostInput[];
}

const rank = (s: Severity): number => SEVERITIES.indexOf(s);

export function buildCase(caseId: string, given: CaseHostInput[], now: Date): BuiltCase {
  const ambiguities: Ambiguity[] = [];
  // The same evidence given twice (same acquisition record) is one host, said so.
  const inputs: CaseHostInput[] = [];
  for (const h of given) {
    const first = inputs.find((x) => x.acquisitionSha256 === h.acquisitionSha256);
    if (first) {
      ambiguities.push({ kind: 'host-given-twice', hosts: [first.key, h.key], detail: `${h.source} is the same evidence as ${first.source} (evidence id ${h.acquisition.evidenceId}, same acquisition.json): read once, as ${first.key}.` });
      continue;
    }
    inputs.push(h);
  }
  const names = hostNames(inputs, ambiguities);
  const addresses = new Map<string, HostAddress[]>(inputs.map((h) => [h.key, hostAddresses(h)]));
  const { book, ambiguities: shared } = addressBook(addresses, names);
  ambiguities.push(...shared);
  const { flows, outside } = correlate(inputs, names, book);
  const hosts: CaseHost[] = inputs.map((h) => caseHost(h, names.get(h.key)!, addresses.get(h.key)!));
  const leads = caseLeads({ names, flows, outside }, hosts);
  markFlows(flows, leads);
  return {
    file: { format: 'netcustody-case/1', caseId, generated: now.toISOString(), tool: { name: TOOL_NAME, version: TOOL_VERSION }, hosts, flows, leads, ambiguities },
    outside,
    inputs,
  };
}

/** Hostnames as recorded; two hosts of one name get " (2)" and the ambiguity is stated. */
function hostNames(inputs: CaseHostInput[], ambiguities: Ambiguity[]): Map<string, string> {
  const names = new Map<string, string>();
  const byName = new Map<string, CaseHostInput[]>();
  for (const h of inputs) {
    const a = h.acquisition;
    const name = a.host?.hostname ?? a.statedHost ?? a.evidenceId;
    byName.set(name, [...(byName.get(name) ?? []), h]);
  }
  for (const [name, list] of byName) {
    list.forEach((h, i) => names.set(h.key, i === 0 ? name : `${name} (${i + 1})`));
    if (list.length > 1) {
      ambiguities.push({
        kind: 'same-host-name',
        hosts: list.map((h) => h.key),
        detail: `${list.length} sources name the host "${name}" (${list.map((h) => `${h.acquisition.evidenceId} from ${h.source}`).join('; ')}): two captures of one host or two hosts of one name; they are kept apart as ${list.map((h) => `"${names.get(h.key)}"`).join(' and ')}.`,
      });
    }
  }
  return names;
}

function caseHost(h: CaseHostInput, name: string, addresses: HostAddress[]): CaseHost {
  const a = h.acquisition;
  return {
    key: h.key,
    name,
    evidenceId: a.evidenceId,
    source: h.source,
    sourceKind: h.sourceKind,
    bundle: h.bundlePath && h.bundleSha256 ? { file: `hosts/${h.key}-${bundleName(h)}`, sha256: h.bundleSha256 } : null,
    acquisitionSha256: h.acquisitionSha256,
    custodySha256: h.custodySha256,
    captureWindow: a.captureWindow,
    clock: { systemUtc: a.clock.systemUtc, ntpSynchronized: a.clock.ntpSynchronized, offset: a.clock.offset ?? null, source: a.clock.source },
    addresses,
    checked: h.checked,
    hostLeads: h.leads
      .filter((l) => !l.suppressed && rank(l.severity) >= rank('medium'))
      .map((l) => ({ id: l.id, severity: l.severity, summary: l.summary, pid: typeof l.pid === 'number' ? l.pid : null })),
  };
}

/** The host bundle's name inside the case bundle: its own file name (netcustody names are plain). */
export function bundleName(h: CaseHostInput): string {
  const base = h.bundlePath!.split('/').pop()!;
  return /^[A-Za-z0-9._-]{1,200}$/.test(base) ? base : `${h.key}.zip`;
}

// The case rule contract, as the host analyzer's (ESLint style): meta + one check over the case.
import type { Severity } from '../../model.js';
import type { OutsidePeer } from '../correlate.js';
import type { CaseFlow, FlowEnd } from '../types.js';

export interface CaseRuleMeta {
  id: string;
  title: string;
  severity: Severity;
  description: string;
  rationale: string;
  falsePositives: string;
  attack: string[];
}

export interface CaseContext {
  /** Host key → the name the report uses (hostname, "(2)" added when two hosts share it). */
  names: Map<string, string>;
  flows: CaseFlow[];
  outside: OutsidePeer[];
}

export interface CaseRuleHit {
  severity?: Severity;
  summary: string;
  hosts: string[];
  flows: string[];
  /** The socket lines the hit rests on, per side. */
  ends: FlowEnd[];
}

export interface CaseRule {
  meta: CaseRuleMeta;
  check(ctx: CaseContext): CaseRuleHit[];
}

/** 'process "bash" (PID 812) on web', or 'an unknown process on web' when the line names none. */
export function who(end: FlowEnd, names: Map<string, string>): string {
  const host = end.host ? names.get(end.host) ?? end.host : end.address;
  if (end.ref === null) return `no socket line on ${host}`;
  const proc = end.process ? `process "${end.process}"` : 'a process the evidence does not name';
  return `${proc}${end.pid !== null ? ` (PID ${end.pid})` : ''} on ${host}`;
}

export const ADMIN_PORTS: Record<number, string> = { 22: 'SSH', 135: 'RPC/DCOM', 445: 'SMB', 3389: 'RDP', 5985: 'WinRM', 5986: 'WinRM over TLS' };

import { SEVERITIES, type Severity } from '../model.js';

// Severity arithmetic: ranks, raising one level, comparisons.

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** One level up, capped at critical. */
export function raiseSeverity(s: Severity): Severity {
  return SEVERITIES[Math.min(severityRank(s) + 1, SEVERITIES.length - 1)] ?? s;
}

export function maxSeverity(a: Severity | null, b: Severity | null): Severity | null {
  if (a === null) return b;
  if (b === null) return a;
  return severityRank(a) >= severityRank(b) ? a : b;
}

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

export function emptySeverityCounts(): Record<Severity, number> {
  return { info: 0, low: 0, medium: 0, high: 0, critical: 0 };
}

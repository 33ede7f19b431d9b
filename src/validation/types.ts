// fixtures/validation/validation.json: the validation statement's data (written by main.ts, read by
// the report). Only the rules' results on the corpus: no times or paths of the machine that made it.
import type { Severity } from '../model.js';

export interface ExpectedResult {
  rule: string;
  pid: number | null;
  process: string | null;
  minSeverity: Severity;
  /** Highest severity the rule raised for it, null when it raised nothing. */
  got: Severity | null;
  result: 'detected' | 'missed' | 'below expected severity';
}

export interface CaseResult {
  kind: 'scenario' | 'sample';
  name: string;
  title: string;
  /** Paths: fixtures/scenarios/… in the package, samples/… beside the checkout. */
  files: { path: string; sha256: string }[];
  parsed: { connections: number; routes: number; unparsedLines: number };
  expected: ExpectedResult[];
  /** Leads a scenario does not list that are rated above its ceiling for the others (should be none). */
  benignRaised: { rule: string; pid: number | null; severity: Severity }[];
  /** Samples are benign hosts: at most this many high/critical findings. */
  maxHighOrCritical: number | null;
  highOrCritical: number;
  findings: { rule: string; severity: Severity; count: number }[];
  result: 'pass' | 'fail';
}

export interface RuleResult {
  rule: string;
  title: string;
  expectedCases: number;
  detected: number;
  missed: number;
  /** Findings the rule raised over the whole corpus. */
  raised: number;
  raisedOnBenign: number;
  status: 'validated' | 'failed' | 'no expected case' | 'not exercised';
}

export interface ValidationData {
  about: string;
  tool: string;
  cases: CaseResult[];
  rules: RuleResult[];
  limitations: string[];
}

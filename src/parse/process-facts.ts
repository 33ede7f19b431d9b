import type { ParseResult, ProcessFacts, ProcessFactField } from '../model.js';
import type { Parser, ParserInput } from './types.js';
import { addUnparsed, emptyResult } from './result.js';
import { splitLines } from './text.js';
import { objectLines } from './json-lines-map.js';

// netcustody's own Linux process-facts artifact. Current format (raw/NN-process-facts.jsonl): a
// header line {"format":"netcustody-process-facts",...}, then one JSON object per socket-owning PID,
// so one line cites one process. Older folders hold raw/NN-process-facts.json, a pretty-printed JSON
// array: still read, with each process cited by the line of its "pid" key and each fact by its own
// key's line. Understood like any other format so that an imported capture keeps its process facts.

const ID = 'netcustody-process-facts';
const FIELDS: ProcessFactField[] = ['comm', 'exe', 'exeDeleted', 'cmdline', 'ppid', 'uid', 'user', 'startTime'];

export const processFactsParser: Parser = {
  info: {
    id: ID,
    description: 'netcustody process facts (Linux /proc/PID of socket owners), JSON lines (or the older JSON array)',
    commands: ['netcustody collect (process-facts step)'],
    os: ['linux'],
  },
  detect(head) {
    const first = head.find((l) => l.trim() !== '')?.trim() ?? '';
    if (/^\{\s*"format"\s*:\s*"netcustody-process-facts"/.test(first)) return 1;
    if (first === '[]') return 0.9;
    const text = head.join('\n');
    return first === '[' && /"pid":\s*\d+/.test(text) && /"socketInodes"/.test(text) ? 0.95 : 0;
  },
  parse(input: ParserInput): ParseResult {
    const result = emptyResult(ID, input.artifact, input.encoding);
    const lines = splitLines(input.text);
    result.lines.total = lines.length;
    const first = lines.find((l) => l.trim() !== '')?.trim() ?? '';
    if (first.startsWith('{')) parseJsonLines(lines, input.artifact, result);
    else parseArray(input.text, lines, input.artifact, result);
    return result;
  },
};

function parseJsonLines(lines: string[], artifact: string, result: ParseResult): void {
  let headerSeen = false;
  lines.forEach((text, i) => {
    const line = i + 1;
    if (text.trim() === '') {
      result.lines.blank++;
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      addUnparsed(result, line, text, `invalid JSON: ${(err as Error).message}`);
      return;
    }
    if (!headerSeen && isHeader(value)) {
      headerSeen = true;
      result.lines.headers++;
      return;
    }
    if (!isFacts(value)) {
      addUnparsed(result, line, text, 'not a process-facts object (needs pid and socketInodes)');
      return;
    }
    value.source = { artifact, line };
    delete value.fieldLines;
    result.processes.push(value);
    result.lines.records++;
  });
  if (result.unparsed.length > 0) result.warnings.push(`${artifact}: ${result.unparsed.length} line(s) are not process facts, first at line ${result.unparsed[0].line}`);
}

function parseArray(text: string, lines: string[], artifact: string, result: ParseResult): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    lines.forEach((l, i) => (l.trim() === '' ? result.lines.blank++ : addUnparsed(result, i + 1, l, `invalid JSON: ${(err as Error).message}`)));
    return;
  }
  if (!Array.isArray(parsed)) {
    lines.forEach((l, i) => addUnparsed(result, i + 1, l, 'expected a JSON array of process facts'));
    return;
  }
  const located = objectLines(text);
  parsed.forEach((item, k) => {
    if (!isFacts(item)) return;
    const at = located[k];
    const pidLine = at?.keys.get('pid') ?? at?.start ?? 1;
    item.source = { artifact, line: pidLine };
    const fieldLines: Partial<Record<ProcessFactField, number>> = {};
    for (const f of FIELDS) {
      const l = at?.keys.get(f);
      if (l !== undefined && l !== pidLine) fieldLines[f] = l;
    }
    item.fieldLines = fieldLines;
    result.processes.push(item);
  });
  // JSON has no line-per-record shape: every line belongs to the document.
  result.lines.records = lines.length;
  if (result.processes.length !== parsed.length) result.warnings.push(`${artifact}: ${parsed.length - result.processes.length} entries are not process facts`);
}

function isHeader(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v as { format?: unknown }).format === ID;
}

function isFacts(v: unknown): v is ProcessFacts {
  const o = v as ProcessFacts;
  return typeof o === 'object' && o !== null && !Array.isArray(o) && Number.isInteger(o.pid) && Array.isArray(o.socketInodes);
}

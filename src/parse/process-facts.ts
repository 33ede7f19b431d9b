import type { ParseResult, ProcessFacts } from '../model.js';
import type { Parser, ParserInput } from './types.js';
import { addUnparsed, emptyResult } from './result.js';
import { splitLines } from './text.js';

// netcustody's own Linux process-facts artifact (raw/NN-process-facts.json): a JSON array with one
// object per socket-owning PID. Understood like any other format so that an imported capture keeps
// its process facts.

const ID = 'netcustody-process-facts';

export const processFactsParser: Parser = {
  info: {
    id: ID,
    description: 'netcustody process facts (Linux /proc/PID of socket owners), JSON',
    commands: ['netcustody collect (process-facts step)'],
    os: ['linux'],
  },
  detect(head) {
    const first = head.find((l) => l.trim() !== '')?.trim() ?? '';
    if (first === '[]') return 0.9;
    const text = head.join('\n');
    return first === '[' && /"pid":\s*\d+/.test(text) && /"socketInodes"/.test(text) ? 0.95 : 0;
  },
  parse(input: ParserInput): ParseResult {
    const result = emptyResult(ID, input.artifact, input.encoding);
    const lines = splitLines(input.text);
    result.lines.total = lines.length;
    let parsed: unknown;
    try {
      parsed = JSON.parse(input.text);
    } catch (err) {
      lines.forEach((l, i) => (l.trim() === '' ? result.lines.blank++ : addUnparsed(result, i + 1, l, `invalid JSON: ${(err as Error).message}`)));
      return result;
    }
    if (!Array.isArray(parsed)) {
      lines.forEach((l, i) => addUnparsed(result, i + 1, l, 'expected a JSON array of process facts'));
      return result;
    }
    for (const item of parsed) if (isFacts(item)) result.processes.push(item);
    // JSON has no line-per-record shape: every line belongs to the document.
    result.lines.records = lines.length;
    if (result.processes.length !== parsed.length) result.warnings.push(`${input.artifact}: ${parsed.length - result.processes.length} entries are not process facts`);
    return result;
  },
};

function isFacts(v: unknown): v is ProcessFacts {
  const o = v as ProcessFacts;
  return typeof o === 'object' && o !== null && Number.isInteger(o.pid) && Array.isArray(o.socketInodes);
}

// The checkable tokens of a FACTS sentence: quoted names, paths, users, timestamps, addresses
// (with prefix, port or zone), and every other number. Words such as IPv4 or tcp6 are not numbers.

export interface FactToken {
  kind: 'name' | 'path' | 'user' | 'time' | 'address' | 'number';
  text: string;
}

const PATTERNS: [FactToken['kind'], RegExp, number][] = [
  ['name', /"((?:[^"\\]|\\.)*)"/g, 1],
  ['time', /\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z\b/g, 0],
  ['path', /(?<![\w\]:])(?:[A-Za-z]:\\|\/)[^\s,;()]*[^\s,;().]/g, 0],
  ['user', /\buser ([^\s,;()]+)/g, 1],
  ['address', /\[[0-9A-Fa-f:.]+(?:%[\w.-]+)?\](?::\d+)?/g, 0],
  ['address', /(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:%[\w.-]+)?(?:\/\d{1,3})?(?![\w:])/g, 0],
  ['address', /\b\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2}|:\d+)?\b/g, 0],
  ['number', /(?<![\w.])\d+(?![\w.]\w)/g, 0],
];

export function factTokens(sentence: string): FactToken[] {
  let rest = sentence;
  const out: FactToken[] = [];
  for (const [kind, re, group] of PATTERNS) {
    rest = rest.replace(re, (...m: string[]) => {
      const text = m[group];
      if (text !== undefined && text !== '') out.push({ kind, text: kind === 'name' ? text.replace(/\\(.)/g, '$1') : text });
      return ' '.repeat(m[0].length);
    });
  }
  return out;
}

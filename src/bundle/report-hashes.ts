// The artifact hashes report/report.html prints, read back so that verification can compare them
// with the artifacts. A claim is an artifact path followed, in the same block (table row, paragraph),
// by a SHA-256. The report inserts <wbr> break opportunities into paths and hashes: they are removed.
export interface HashClaim {
  path: string;
  sha256: string;
}

const HEX64 = /(?<![0-9a-fA-F])[0-9a-fA-F]{64}(?![0-9a-fA-F])/;
const BLOCK_END = /<\/(?:tr|p|li|div|pre|dd|dt|h[1-6]|section|table|caption)\s*>/i;
/** How far after the path (in visible text) its hash may be printed. */
const WINDOW = 400;

export function reportHashClaims(html: string, paths: string[]): HashClaim[] {
  const claims: HashClaim[] = [];
  const joined = html.replace(/<wbr\s*\/?>/gi, '').replace(/&shy;|&#173;|&#x(?:ad|200b);|&#8203;|\u00ad|\u200b/gi, '');
  for (const block of joined.split(BLOCK_END)) {
    const text = decodeEntities(block.replace(/<[^>]*>/g, ' '));
    // A claim needs a hash in its block: most blocks (rows of connections, prose) have none.
    if (!HEX64.test(text)) continue;
    for (const path of paths) {
      for (const at of wholeOccurrences(text, path)) {
        const m = HEX64.exec(text.slice(at + path.length, at + path.length + WINDOW));
        if (m) claims.push({ path, sha256: m[0].toLowerCase() });
      }
    }
  }
  return claims;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&#x([0-9a-f]{1,6});/gi, (_, hex: string) => codePoint(parseInt(hex, 16)))
    .replace(/&#(\d{1,7});/g, (_, dec: string) => codePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Hostile HTML may name code points that do not exist: they become U+FFFD, never an exception. */
function codePoint(n: number): string {
  return n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? String.fromCodePoint(n) : '\ufffd';
}

/** Offsets of path not directly followed by another name character (raw/a.out vs raw/a.out.1). */
function wholeOccurrences(text: string, path: string): number[] {
  const out: number[] = [];
  for (let at = text.indexOf(path); at >= 0; at = text.indexOf(path, at + 1)) {
    if (!/[A-Za-z0-9._-]/.test(text.charAt(at + path.length))) out.push(at);
  }
  return out;
}

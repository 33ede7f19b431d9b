// The artifact hashes report/report.html prints, read back so that verification can compare them
// with the artifacts. A claim is an artifact path followed, in the same table row, by a SHA-256.
export interface HashClaim {
  path: string;
  sha256: string;
}

const HEX64 = /(?<![0-9a-fA-F])[0-9a-fA-F]{64}(?![0-9a-fA-F])/;

export function reportHashClaims(html: string, paths: string[]): HashClaim[] {
  const claims: HashClaim[] = [];
  for (const row of html.split(/<\/tr\s*>/i)) {
    for (const path of paths) {
      const at = indexOfWhole(row, path);
      if (at < 0) continue;
      const m = HEX64.exec(row.slice(at + path.length));
      if (m) claims.push({ path, sha256: m[0].toLowerCase() });
    }
  }
  return claims;
}

/** Index of path not directly followed by another name character (raw/a.out vs raw/a.out.1). */
function indexOfWhole(text: string, path: string): number {
  for (let at = text.indexOf(path); at >= 0; at = text.indexOf(path, at + 1)) {
    if (!/[A-Za-z0-9._-]/.test(text.charAt(at + path.length))) return at;
  }
  return -1;
}

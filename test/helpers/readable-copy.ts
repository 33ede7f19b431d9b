import { chmodSync, copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

// Tests that drop privileges (run the CLI as `nobody`) cannot use the checkout itself: a clone in
// root's home (/root is 0700) is unreachable for that user. They run a copy in a fresh temporary
// folder every user can read: dist/, package.json, templates/ and the production dependencies.
// Files of node_modules are hard-linked where the filesystem allows it (fast, no space) and only
// when already world-readable; everything else is copied and made readable.

const WORLD_READ = 0o004;

/** Build the copy in a new folder under the system temp dir; returns it and its dist/cli/main.js. */
export function makeReadableCopy(repo: string): { dir: string; cli: string } {
  const dir = mkdtempSync(join(tmpdir(), 'nc-readable-'));
  chmodSync(dir, 0o755);
  for (const entry of ['package.json', 'dist', 'templates']) {
    if (existsSync(join(repo, entry))) copyTree(join(repo, entry), join(dir, entry), false);
  }
  for (const pkg of productionClosure(repo)) {
    const rel = pkg.slice(resolve(repo).length + 1);
    mkdirReadable(dirname(join(dir, rel)), dir);
    copyTree(pkg, join(dir, rel), true);
  }
  return { dir, cli: join(dir, 'dist/cli/main.js') };
}

/** Directories of every package the production dependencies need, as node would resolve them. */
function productionClosure(repo: string): string[] {
  const seen = new Set<string>();
  const top = resolve(repo);
  const visit = (pkgDir: string): void => {
    if (seen.has(pkgDir)) return;
    seen.add(pkgDir);
    const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    const deps = { ...manifest.dependencies, ...manifest.optionalDependencies };
    for (const name of Object.keys(deps)) {
      const found = resolvePackage(pkgDir, name, top);
      if (found) visit(found);
    }
  };
  const own = JSON.parse(readFileSync(join(top, 'package.json'), 'utf8'));
  for (const name of Object.keys(own.dependencies ?? {})) {
    const found = resolvePackage(top, name, top);
    if (!found) throw new Error(`${name} is not installed (run npm ci)`);
    visit(found);
  }
  // A package nested inside another one's node_modules comes with that one's directory.
  const all = [...seen].filter((p) => p !== top);
  return all.filter((p) => !all.some((q) => q !== p && p.startsWith(`${q}/`)));
}

function resolvePackage(from: string, name: string, top: string): string | null {
  for (let dir = from; dir.startsWith(top); dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === top) break;
  }
  return null;
}

function mkdirReadable(path: string, root: string): void {
  mkdirSync(path, { recursive: true });
  for (let d = path; d.startsWith(root) && d !== root; d = dirname(d)) chmodSync(d, 0o755);
}

function copyTree(from: string, to: string, mayLink: boolean): void {
  const st = lstatSync(from);
  if (st.isSymbolicLink()) {
    symlinkSync(readlinkSync(from), to);
  } else if (st.isDirectory()) {
    mkdirSync(to, { recursive: true });
    chmodSync(to, 0o755);
    for (const name of readdirSync(from)) copyTree(join(from, name), join(to, name), mayLink);
  } else if (st.isFile()) {
    if (mayLink && st.mode & WORLD_READ && tryLink(from, to)) return;
    copyFileSync(from, to);
    chmodSync(to, statSync(from).mode & 0o111 ? 0o755 : 0o644);
  }
}

function tryLink(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch {
    return false; // another filesystem (EXDEV) or links not allowed: copy instead
  }
}

// The Handlebars environment: an isolated instance, strict mode, auto-escaping, partials from
// <templateDir>/partials, CSS from <templateDir>/report.css inlined. `--template DIR` swaps the folder.
// A lab's folder may come from anywhere: nothing in it is followed (a partial that links to
// /etc/passwd would print that file into the signed report), and only regular files are read.
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readFileSync, type Stats } from 'node:fs';
import { basename, join } from 'node:path';
import { EvidenceError } from '../evidence/folder.js';
import { PACKAGE_ROOT } from '../version.js';
import { makeHelpers } from './helpers.js';
import { COMPILE_OPTIONS, handlebars, precompiledSpec, type Handlebars } from './templates-precompiled.js';

export const DEFAULT_TEMPLATE_DIR = join(PACKAGE_ROOT, 'templates');

export interface TemplateSet {
  dir: string;
  /** Every template file ran code precompiled at build time (none compiled now). */
  precompiled: boolean;
  /** The host report's view (ReportView) or the case report's. */
  render(view: object): string;
}

/** CSS goes inside <style>: a stray "</style" in a lab's stylesheet must not end the element. */
export function safeCss(css: string): string {
  return css.replace(/<\/(style)/gi, '<\\/$1');
}

const LINK_HINT = 'a template folder is read without following links: copy the file into the folder instead of linking it';

/** lstat, or null when the path does not exist. */
function entry(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new EvidenceError(`${path}: cannot read: ${(err as Error).message}`);
  }
}

function refuseLink(path: string, st: Stats): void {
  if (st.isSymbolicLink()) throw new EvidenceError(`${path}: is a symbolic link; refused`, LINK_HINT);
}

/** A regular file inside the template folder: opened with O_NOFOLLOW, checked on the open descriptor. */
export function readTemplateFile(path: string): string {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO planted in the folder must not hang the report before fstat refuses it.
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new EvidenceError(`${path}: is a symbolic link; refused`, LINK_HINT);
    throw new EvidenceError(`${path}: cannot read: ${(err as Error).message}`);
  }
  try {
    if (!fstatSync(fd).isFile()) throw new EvidenceError(`${path}: not a regular file; refused`, 'a template folder holds report.hbs, partials/*.hbs and report.css as plain files');
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** The folder must still be the one that was checked (no folder swapped for a link meanwhile). */
function sameFolder(path: string, before: Stats): void {
  const now = entry(path);
  if (!now || now.isSymbolicLink() || now.dev !== before.dev || now.ino !== before.ino) throw new EvidenceError(`${path}: changed while the templates were read; refused`);
}

/**
 * `base`: a template folder whose partials/ and report.css are read first (the case report reuses the
 * host report's). `precompiled: false` compiles every file now even when the build precompiled it.
 */
export function loadTemplates(dir: string = DEFAULT_TEMPLATE_DIR, base?: string, opts: { precompiled?: boolean } = {}): TemplateSet {
  const main = join(dir, 'report.hbs');
  // The folder the examiner named may itself be a link (their choice); nothing inside it may be.
  if (!entry(main)) throw new EvidenceError(`${dir}: not a template folder (report.hbs is missing)`, 'a template folder holds report.hbs, partials/*.hbs and report.css');
  const mainText = readTemplateFile(main);
  const cssOf = (folder: string): string => (entry(join(folder, 'report.css')) ? safeCss(readTemplateFile(join(folder, 'report.css'))) : '');
  const css = (base ? cssOf(base) + '\n' : '') + cssOf(dir);
  const partials = (base ? [base, dir] : [dir]).flatMap((folder) => readPartials(join(folder, 'partials')));
  // Code precompiled from the same text is used as is; only the rest needs Handlebars' compiler.
  const specOf = (text: string) => (opts.precompiled === false ? null : precompiledSpec(text));
  const mainSpec = specOf(mainText);
  const partialSpecs = partials.map((p) => specOf(p.text));
  const precompiled = mainSpec !== null && partialSpecs.every((s) => s !== null);
  const hb: Handlebars = handlebars(!precompiled).create();
  hb.registerHelper(makeHelpers(hb.SafeString));
  hb.registerHelper('inlineCss', () => new hb.SafeString(css));
  partials.forEach((p, i) => {
    const spec = partialSpecs[i];
    hb.registerPartial(p.name, spec ? hb.template(spec) : p.text);
  });
  let template: HandlebarsTemplateDelegate<object>;
  try {
    template = mainSpec ? hb.template<object>(mainSpec) : hb.compile<object>(mainText, { ...COMPILE_OPTIONS });
  } catch (err) {
    throw new EvidenceError(`${main}: ${(err as Error).message.split('\n')[0]}`);
  }
  return {
    dir,
    precompiled,
    render(view) {
      try {
        // No prototype access: host strings such as "{{constructor}}" are data, never lookups.
        return template(view, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
      } catch (err) {
        throw new EvidenceError(`template ${dir}: ${(err as Error).message.split('\n')[0]}`);
      }
    },
  };
}

/** partials/*.hbs in name order (a later folder's partial of the same name replaces an earlier one). */
function readPartials(partialsDir: string): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const partialsStat = entry(partialsDir);
  if (partialsStat) {
    refuseLink(partialsDir, partialsStat);
    if (!partialsStat.isDirectory()) throw new EvidenceError(`${partialsDir}: not a folder; refused`);
    for (const file of readdirSync(partialsDir, { withFileTypes: true }).filter((f) => f.name.endsWith('.hbs')).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      out.push({ name: basename(file.name, '.hbs'), text: readTemplateFile(join(partialsDir, file.name)) });
    }
    sameFolder(partialsDir, partialsStat);
  }
  return out;
}

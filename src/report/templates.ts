// The Handlebars environment: an isolated instance, strict mode, auto-escaping, partials from
// <templateDir>/partials, CSS from <templateDir>/report.css inlined. `--template DIR` swaps the folder.
// A lab's folder may come from anywhere: nothing in it is followed (a partial that links to
// /etc/passwd would print that file into the signed report), and only regular files are read.
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readFileSync, type Stats } from 'node:fs';
import { basename, join } from 'node:path';
import Handlebars from 'handlebars';
import { EvidenceError } from '../evidence/folder.js';
import { PACKAGE_ROOT } from '../version.js';
import { makeHelpers } from './helpers.js';

export const DEFAULT_TEMPLATE_DIR = join(PACKAGE_ROOT, 'templates');

export interface TemplateSet {
  dir: string;
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

/** `base`: a template folder whose partials/ and report.css are read first (the case report reuses the host report's). */
export function loadTemplates(dir: string = DEFAULT_TEMPLATE_DIR, base?: string): TemplateSet {
  const main = join(dir, 'report.hbs');
  // The folder the examiner named may itself be a link (their choice); nothing inside it may be.
  if (!entry(main)) throw new EvidenceError(`${dir}: not a template folder (report.hbs is missing)`, 'a template folder holds report.hbs, partials/*.hbs and report.css');
  const mainText = readTemplateFile(main);
  const hb = Handlebars.create();
  const cssOf = (folder: string): string => (entry(join(folder, 'report.css')) ? safeCss(readTemplateFile(join(folder, 'report.css'))) : '');
  const css = (base ? cssOf(base) + '\n' : '') + cssOf(dir);
  hb.registerHelper(makeHelpers(hb.SafeString));
  hb.registerHelper('inlineCss', () => new hb.SafeString(css));
  for (const folder of base ? [base, dir] : [dir]) registerPartials(hb, join(folder, 'partials'));
  let template: HandlebarsTemplateDelegate<object>;
  try {
    template = hb.compile<object>(mainText, { strict: true, noEscape: false, preventIndent: true });
  } catch (err) {
    throw new EvidenceError(`${main}: ${(err as Error).message.split('\n')[0]}`);
  }
  return {
    dir,
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

function registerPartials(hb: typeof Handlebars, partialsDir: string): void {
  const partialsStat = entry(partialsDir);
  if (partialsStat) {
    refuseLink(partialsDir, partialsStat);
    if (!partialsStat.isDirectory()) throw new EvidenceError(`${partialsDir}: not a folder; refused`);
    for (const file of readdirSync(partialsDir, { withFileTypes: true }).filter((f) => f.name.endsWith('.hbs')).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      hb.registerPartial(basename(file.name, '.hbs'), readTemplateFile(join(partialsDir, file.name)));
    }
    sameFolder(partialsDir, partialsStat);
  }
}

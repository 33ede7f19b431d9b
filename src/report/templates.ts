// The Handlebars environment: an isolated instance, strict mode, auto-escaping, partials from
// <templateDir>/partials, CSS from <templateDir>/report.css inlined. `--template DIR` swaps the folder.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import Handlebars from 'handlebars';
import { EvidenceError } from '../evidence/folder.js';
import { PACKAGE_ROOT } from '../version.js';
import { makeHelpers } from './helpers.js';
import type { ReportView } from './view-types.js';

export const DEFAULT_TEMPLATE_DIR = join(PACKAGE_ROOT, 'templates');

export interface TemplateSet {
  dir: string;
  render(view: ReportView): string;
}

/** CSS goes inside <style>: a stray "</style" in a lab's stylesheet must not end the element. */
export function safeCss(css: string): string {
  return css.replace(/<\/(style)/gi, '<\\/$1');
}

export function loadTemplates(dir: string = DEFAULT_TEMPLATE_DIR): TemplateSet {
  const main = join(dir, 'report.hbs');
  if (!existsSync(main)) throw new EvidenceError(`${dir}: not a template folder (report.hbs is missing)`, 'a template folder holds report.hbs, partials/*.hbs and report.css');
  const hb = Handlebars.create();
  const cssPath = join(dir, 'report.css');
  const css = existsSync(cssPath) ? safeCss(readFileSync(cssPath, 'utf8')) : '';
  hb.registerHelper(makeHelpers(hb.SafeString));
  hb.registerHelper('inlineCss', () => new hb.SafeString(css));
  const partialsDir = join(dir, 'partials');
  if (existsSync(partialsDir)) {
    for (const file of readdirSync(partialsDir).filter((f) => f.endsWith('.hbs')).sort()) {
      hb.registerPartial(basename(file, '.hbs'), readFileSync(join(partialsDir, file), 'utf8'));
    }
  }
  let template: HandlebarsTemplateDelegate<ReportView>;
  try {
    template = hb.compile<ReportView>(readFileSync(main, 'utf8'), { strict: true, noEscape: false, preventIndent: true });
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

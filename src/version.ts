import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** Root of the installed package (works from src/ under vitest and from dist/). */
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export const TOOL_NAME = 'netcustody';
export const TOOL_VERSION: string = (
  JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

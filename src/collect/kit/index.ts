// `netcustody kit`: the field kit script for one OS, generated from the collection profile, and its
// SHA-256 in sha256sum format beside it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EvidenceError } from '../../evidence/folder.js';
import type { PreservePolicy } from '../../model.js';
import { TOOL_VERSION } from '../../version.js';
import { DEFAULT_MAX_BINARY_BYTES } from '../binaries.js';
import { PROFILES, type Profile } from '../profiles.js';
import { ps1KitScript, PS1_SCRIPT_NAME } from './ps1-script.js';
import { shKitScript, SH_SCRIPT_NAME } from './sh-script.js';

export interface KitScript {
  os: Profile['name'];
  name: string;
  text: string;
  sha256: string;
  version: string;
  options: KitOptions;
}

/** Choices baked into the script (recorded in its manifest so import regenerates the same script). */
export interface KitOptions {
  preserveBinaries: PreservePolicy;
  maxBinaryBytes: number;
}

export const DEFAULT_KIT_OPTIONS: KitOptions = { preserveBinaries: 'auto', maxBinaryBytes: DEFAULT_MAX_BINARY_BYTES };

export function kitScript(os: Profile['name'], version = TOOL_VERSION, options: KitOptions = DEFAULT_KIT_OPTIONS): KitScript {
  const profile = PROFILES[os];
  const text = os === 'windows' ? ps1KitScript(profile, version, options) : shKitScript(profile, version, options);
  return { os, name: os === 'windows' ? PS1_SCRIPT_NAME : SH_SCRIPT_NAME, text, sha256: createHash('sha256').update(text).digest('hex'), version, options };
}

export interface WrittenKit extends KitScript {
  path: string;
  sumPath: string;
}

/** Writes DIR/<script> and DIR/<script>.sha256; never overwrites an existing kit. */
export function writeKit(os: Profile['name'], outDir: string, options: KitOptions = DEFAULT_KIT_OPTIONS): WrittenKit {
  const kit = kitScript(os, TOOL_VERSION, options);
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, kit.name);
  const sumPath = `${path}.sha256`;
  for (const p of [path, sumPath]) if (existsSync(p)) throw new EvidenceError(`${p} already exists: a kit is never overwritten`, 'choose another --out DIR or remove the old kit first', 1);
  writeFileSync(path, kit.text, { mode: 0o755, flag: 'wx' });
  writeFileSync(sumPath, `${kit.sha256}  ${kit.name}\n`, { mode: 0o644, flag: 'wx' });
  return { ...kit, path, sumPath };
}

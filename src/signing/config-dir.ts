// Where the examiner's identity and trust store live. A module of its own: verify reads the trust
// store and must not load the signing libraries (node-forge) to find it.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** $NETCUSTODY_HOME, else $XDG_CONFIG_HOME/netcustody, else ~/.config/netcustody. */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NETCUSTODY_HOME) return env.NETCUSTODY_HOME;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'netcustody');
  return join(homedir(), '.config', 'netcustody');
}

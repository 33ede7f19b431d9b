import { Command, Option } from 'commander';
import { printJson, runAction, withCommonOptions, makeLog } from './common.js';
import { binariesOf, binariesOptions } from './binaries-options.js';

export function kitCommand(): Command {
  const cmd = new Command('kit')
    .description('write the field kit: a collection script for a host with no network path and no runtime (POSIX sh or PowerShell 5.1), generated from the collection profile')
    .addOption(new Option('--os <name>', 'the examined host\'s OS').choices(['linux', 'macos', 'windows']).makeOptionMandatory())
    .requiredOption('--out <dir>', 'folder to write the kit into (a USB stick)')
    .addHelpText(
      'after',
      `
Examples:
  netcustody kit --os linux --out /media/usb          # netcustody-collect.sh + .sha256
  netcustody kit --os windows --out /media/usb        # netcustody-collect.ps1 + .sha256 (untested on Windows)
On the host, as root:  sh netcustody-collect.sh [RESULTS_PARENT]
Back in the lab:       netcustody import --kit /media/usb/netcustody-kit_<host>_<UTC> --case ID
The script is the same bytes for a netcustody version, OS and options: import --kit regenerates it with the
options its manifest records and compares the hashes.
  netcustody kit --os linux --out /media/usb --preserve-binaries all --max-binary-size 16M`,
    );
  binariesOptions(cmd);
  withCommonOptions(cmd);
  return cmd.action(async (opts) => runAction(opts, async () => {
    const log = makeLog(opts);
    const { writeKit } = await import('../collect/kit/index.js');
    const b = binariesOf(opts);
    const kit = writeKit(opts.os, opts.out, { preserveBinaries: b.preserveBinaries, maxBinaryBytes: b.maxBinaryBytes });
    log(`kit ${kit.version} for ${kit.os}: ${kit.path}`);
    log(kit.os === 'linux' ? `copies of executables: --preserve-binaries ${b.preserveBinaries}, at most ${b.maxBinaryBytes} bytes each (baked into the script)` : kit.os === 'macos' ? 'copies of executables: none (the macOS kit has no process-facts reader to name them)' : `copies of executables: --preserve-binaries ${b.preserveBinaries}, at most ${b.maxBinaryBytes} bytes each (PowerShell, untested on Windows)`);
    log(`sha256 ${kit.sha256}  (${kit.sumPath})`);
    if (kit.os === 'windows') log('note: the PowerShell kit is generated from the same profile but has not been run on Windows by this project');
    if (opts.json) printJson({ kit: kit.path, sha256: kit.sha256, sumFile: kit.sumPath, version: kit.version, os: kit.os, preserveBinaries: b.preserveBinaries, maxBinaryBytes: b.maxBinaryBytes });
  }));
}

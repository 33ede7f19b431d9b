import { Command } from 'commander';
import { EXIT, printJson, runAction, terminalSafe, withCommonOptions } from './common.js';

/** "AB:CD:…" as `openssl x509 -fingerprint` prints it (no import: --help loads no signing module). */
function colonFingerprint(hex: string): string {
  return hex.toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

export function trustCommand(): Command {
  const cmd = new Command('trust')
    .description("pin examiner (or CA) certificates whose signatures `verify` reports as trusted (files under $NETCUSTODY_HOME/trust)")
    .addHelpText(
      'after',
      `
Examples:
  netcustody trust add examiner-cert.pem     # after comparing its fingerprint with the examiner's
  netcustody trust list
  netcustody trust remove 3F:1A:…:9C         # the SHA-256 fingerprint, colons optional

A pinned certificate trusts the signer it is, or (for a CA) the signers it issued.`,
    );
  cmd.addCommand(
    withCommonOptions(new Command('add').exitOverride().description('pin every certificate of a PEM file').argument('<cert>', 'PEM certificate file'))
      .action(async (file: string, opts) => runAction(opts, async () => {
        const { addTrusted, trustDir } = await import('../signing/trust-store.js');
        const added = addTrusted(file);
        if (opts.json) printJson({ trustDir: trustDir(), added: added.map(({ pem: _pem, ...a }) => a) });
        else for (const a of added) process.stdout.write(`pinned  ${colonFingerprint(a.fingerprint)}  ${terminalSafe(a.subject)}\n`);
      })),
  );
  cmd.addCommand(
    withCommonOptions(new Command('list').exitOverride().description('list the pinned certificates')).action(async (opts) => runAction(opts, async () => {
      const { listTrusted, trustDir } = await import('../signing/trust-store.js');
      const all = listTrusted();
      if (opts.json) printJson({ trustDir: trustDir(), trusted: all.map(({ pem: _pem, ...a }) => a) });
      else if (all.length === 0) process.stdout.write(`no pinned certificates (in ${trustDir()})\n`);
      else for (const a of all) process.stdout.write(`${colonFingerprint(a.fingerprint)}  ${terminalSafe(a.subject)}  (valid until ${a.notAfter})\n`);
    })),
  );
  cmd.addCommand(
    withCommonOptions(new Command('remove').exitOverride().description('unpin a certificate').argument('<fingerprint>', 'SHA-256 fingerprint (as trust list prints it)'))
      .action(async (fp: string, opts) => runAction(opts, async () => {
        const { removeTrusted } = await import('../signing/trust-store.js');
        const removed = removeTrusted(fp);
        if (opts.json) printJson({ removed: { fingerprint: removed.fingerprint, subject: removed.subject } });
        else process.stdout.write(`removed  ${colonFingerprint(removed.fingerprint)}  ${terminalSafe(removed.subject)}\n`);
        return EXIT.ok;
      })),
  );
  return cmd;
}

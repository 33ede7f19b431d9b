// `node --import ./record-modules.mjs …`: appends every module URL the process loads to the file
// named by NC_MODULE_LOG ("<epoch ms> <url>" per line), to check which libraries a command pulls in
// and when.
import { register } from 'node:module';
import { appendFileSync } from 'node:fs';

const log = process.env.NC_MODULE_LOG;
if (log) {
  const { port1, port2 } = new MessageChannel();
  port1.on('message', (url) => appendFileSync(log, `${url}\n`));
  port1.unref();
  register('./record-modules-hooks.mjs', { parentURL: import.meta.url, data: { port: port2 }, transferList: [port2] });
}

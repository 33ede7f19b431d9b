// The standard-tool commands anyone can run to check a bundle without netcustody. The report's
// "Verification" section prints them; tests run exactly these commands.

/** POSIX shell single-quoting when the text is not plainly safe. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9._\/-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * For a bundle `zipName` (file name, in the current folder): check the zip's hash, test the archive,
 * extract it into a folder of the same name, check every member, the manifest signature and the PDF.
 * `-purpose any`: the examiner's self-signed certificate is its own trust anchor (-CAfile) and a
 * PKCS#12 certificate may lack the emailProtection usage OpenSSL checks by default.
 */
export function verificationCommands(zipName: string): string[] {
  const folder = zipName.replace(/\.zip$/i, '') || 'bundle';
  return [
    `sha256sum -c ${shellQuote(`${zipName}.sha256`)}`,
    `unzip -t ${shellQuote(zipName)}`,
    `unzip -q ${shellQuote(zipName)} -d ${shellQuote(folder)}`,
    `cd ${shellQuote(folder)}`,
    'sha256sum -c SHA256SUMS',
    'openssl cms -verify -binary -inform DER -in manifest.sig -content SHA256SUMS -CAfile examiner-cert.pem -purpose any -out /dev/null',
    'pdfsig report/report.pdf',
  ];
}

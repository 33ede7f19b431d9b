// The bundle stage: a sealed, signed, deterministic zip of an evidence folder, and its independent
// verification (also of a folder). See ../../../shared/ARCHITECTURE.md.
export type { BundleOptions, BundleResult, CheckId, CheckFailure, SignerReport, VerifyCheck, VerifyReport, VerifyOptions, ZipLimits } from './types.js';
export { createBundle } from './create.js';
export { verifyEvidence } from './verify.js';
export { formatVerifyReport } from './format.js';
export { verificationCommands } from './commands.js';
export { extractBundle } from './extract.js';
export { expectedBundleName } from './naming.js';

// Signing for the report (PDF) and the bundle (manifest.sig): identity loading and detached CMS.
export type { SigningIdentity, LoadIdentityOptions } from './types.js';
export { checkFitToSign, loadIdentity, loadPkcs12, loadOrCreateSelfSigned, defaultConfigDir, selfSignedPaths, DEFAULT_PASSPHRASE_ENV } from './identity.js';
export { signDetachedCms, contentDigest, type CmsOptions, type SignableContent } from './cms.js';
export { OPENSSL_VERIFY_HINT } from './hints.js';

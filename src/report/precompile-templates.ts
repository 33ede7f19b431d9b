// Build step after tsc (npm run build, bootstrap.sh): precompiles the shipped templates into dist.
import { writePrecompiled, PRECOMPILED_FILE } from './templates-precompiled.js';
import { DEFAULT_TEMPLATE_DIR } from './templates.js';

writePrecompiled(DEFAULT_TEMPLATE_DIR);
process.stderr.write(`precompiled ${DEFAULT_TEMPLATE_DIR} into ${PRECOMPILED_FILE}\n`);

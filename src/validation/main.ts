// `npm run validation`: run the rules over the corpus and write fixtures/validation/validation.json
// (shipped with the package, printed in every report's tool validation section).
import { writeFileSync } from 'node:fs';
import { runValidation, VALIDATION_FILE } from './corpus.js';

const data = await runValidation();
writeFileSync(VALIDATION_FILE, `${JSON.stringify(data, null, 2)}\n`);
const failed = data.cases.filter((c) => c.result === 'fail');
process.stderr.write(`${VALIDATION_FILE}: ${data.cases.length} cases, ${data.rules.filter((r) => r.status === 'validated').length}/${data.rules.length} rules validated${failed.length ? `, FAILED: ${failed.map((c) => c.name).join(', ')}` : ''}\n`);

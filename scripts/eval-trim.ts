import { parseArgs } from 'node:util';
import { evaluateTrimCorpus } from './lib/trim-eval';

/*
 * npm run eval:trim -- DIR [--show]
 * Runs the reply trimmer, as intake keeps a plain-text body, over DIR/emails/NAME.txt and
 * compares with DIR/trimmed/NAME.txt (whitespace folded). Prints "pass NAME" or "FAIL NAME"
 * per file (with --show, what was kept and what was expected for each failure) and, last,
 * the JSON summary {"total":N,"exact":N,"empty":N}.
 */

const { values, positionals } = parseArgs({ allowPositionals: true, options: { show: { type: 'boolean', default: false } } });
const dir = positionals[0];
if (!dir) {
  console.error('usage: npm run eval:trim -- DIR [--show]   (DIR holds emails/NAME.txt and trimmed/NAME.txt)');
  process.exit(2);
}
const result = evaluateTrimCorpus(dir);
for (const c of result.cases) {
  console.log(`${c.exact ? 'pass' : 'FAIL'} ${c.name}${c.empty ? ' (empty)' : ''}`);
  if (!c.exact && values.show) console.log(`  kept:     ${JSON.stringify(c.kept)}\n  expected: ${JSON.stringify(c.expected.trimEnd())}`);
}
console.log(JSON.stringify({ total: result.total, exact: result.exact, empty: result.empty }));

import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../helpers/harness.js';

// The dashboard loads the compiled modules of src/format/ in the browser (no build step): they may
// use no Node API and import nothing the daemon's listener does not serve.
const DIR = join(ROOT, 'src', 'format');

t.test('src/format imports only its own modules and src/protocol types, and uses no Node API', async (t) => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));
  t.ok(files.length >= 4, files.join(', '));
  for (const file of files) {
    const text = readFileSync(join(DIR, file), 'utf8');
    for (const m of text.matchAll(/^(import|export)\s+(type\s+)?[^'"]*?from\s+'([^']+)'/gm)) {
      const [, , typeOnly, specifier] = m;
      if (specifier!.startsWith('./')) continue;
      t.ok(typeOnly !== undefined && specifier!.startsWith('../protocol/'), `${file}: ${m[0]}`);
    }
    t.notMatch(text, /\bnode:|\brequire\(|\bprocess\.|\bBuffer\b|\bglobalThis\b|\bIntl\b/, `${file} uses no Node API`);
  }
});

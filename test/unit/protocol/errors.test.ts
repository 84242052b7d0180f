import t from 'tap';
import { ERROR_CODE_LIST, ERROR_CODES, EXIT_CODE_TABLE, EXIT_CODES, exitCodesLine, HotctlError } from '../../../src/protocol/index.js';
import { HTTP_REFUSALS } from '../../../src/daemon/http-server.js';

t.test('exit codes: one table, numbers 0..5 in order, each with a meaning and a brief form', async (t) => {
  t.same(Object.values(EXIT_CODE_TABLE).map((e) => e.code), [0, 1, 2, 3, 4, 5]);
  for (const [name, e] of Object.entries(EXIT_CODE_TABLE)) {
    t.equal(EXIT_CODES[name as keyof typeof EXIT_CODES], e.code, name);
    t.ok(e.meaning.length > 10 && e.brief.length > 3, name);
  }
  t.match(exitCodesLine(), /^0 done · 1 .* · 5 a resource is taken/);
});

t.test('every error code carries an HTTP error status', async (t) => {
  for (const code of ERROR_CODE_LIST) {
    const { http } = ERROR_CODES[code];
    t.ok(http >= 400 && http <= 599, `${code}: ${http}`);
    t.equal(new HotctlError(code).httpStatus, http);
  }
  t.equal(ERROR_CODES.E_APP_NOT_FOUND.http, 404);
  t.equal(ERROR_CODES.E_OPERATION_IN_PROGRESS.http, 409);
  t.equal(ERROR_CODES.E_CANARY_ACTIVE.http, 409);
  t.equal(ERROR_CODES.E_SHUTTING_DOWN.http, 503);
  t.equal(ERROR_CODES.E_INTERNAL.http, 500);
});

t.test("the HTTP listener's refusals are codes of the registry, one reason each", async (t) => {
  const codes = Object.values(HTTP_REFUSALS);
  t.equal(new Set(codes).size, codes.length);
  for (const [reason, code] of Object.entries(HTTP_REFUSALS)) t.ok(ERROR_CODE_LIST.includes(code), `${reason} → ${code}`);
  for (const code of ERROR_CODE_LIST.filter((c) => c.startsWith('E_HTTP_'))) t.ok(codes.includes(code as (typeof codes)[number]), `${code} is a refusal`);
});

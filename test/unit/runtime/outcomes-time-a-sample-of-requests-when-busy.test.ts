import t from 'tap';
import diagnostics from 'node:diagnostics_channel';
import type http from 'node:http';
import type net from 'node:net';
import { MAX_EVERY, OutcomeCounter, TIMED_PER_SECOND } from '../../../src/runtime/outcome-counter.js';

// The counter's arithmetic over many requests: status classes exact, durations timed for a sample
// when busy and weighted back. Responses are plain objects finished through Node's own channel
// (the one http publishes on), so thousands run in milliseconds; real servers are covered by
// outcomes-count-classes-durations-resets-and-timeouts.test.ts.
const finish = diagnostics.channel('http.server.response.finish');
const counter = new OutcomeCounter();
counter.start();

function serve(n: number, statusCode = 200): void {
  for (let i = 0; i < n; i++) {
    const res = { statusCode } as http.ServerResponse;
    counter.received(res);
    finish.publish({ response: res });
  }
}
const timed = () => counter.outcomes.duration_buckets.reduce((a, b) => a + b, 0);

t.test('below the rate limit, every response is timed', async (t) => {
  counter.repace(); // nothing received since it was made: one in 1
  serve(500);
  t.equal(counter.outcomes.responses['2xx'], 500);
  t.equal(timed(), 500, 'one duration per response');
});

t.test('when busy, a sample is timed and each timed one counts for the requests it stands for', async (t) => {
  serve(TIMED_PER_SECOND * MAX_EVERY); // in a few ms: far above TIMED_PER_SECOND a second
  counter.repace();
  const before = counter.outcomes;
  const beforeTimed = timed();
  serve(200_000, 503);
  const after = counter.outcomes;
  t.equal(after.responses['5xx'] - before.responses['5xx'], 200_000, 'every status counted');
  const estimated = timed() - beforeTimed;
  t.equal(estimated % MAX_EVERY, 0, `each timed response counts ${MAX_EVERY} times`);
  t.ok(Math.abs(estimated - 200_000) / 200_000 < 0.05, `the histogram estimates the responses (${estimated} for 200000)`);
  t.ok(after.duration_sum_s >= before.duration_sum_s, 'the sum grows with the weighted durations');
});

t.test('when the rate falls again, every response is timed again from the next report on', async (t) => {
  counter.repace(); // the report after the burst: still busy
  await new Promise((resolve) => setTimeout(resolve, 50));
  counter.repace(); // the next one: nothing received since
  const beforeTimed = timed();
  serve(10);
  t.equal(timed() - beforeTimed, 10);
});

t.test('a request not timed and never answered is still counted as a reset', async (t) => {
  serve(TIMED_PER_SECOND * MAX_EVERY);
  counter.repace();
  const before = counter.outcomes.resets;
  let unanswered = 0;
  for (let i = 0; i < 300; i++) {
    const res = { statusCode: 200 } as http.ServerResponse;
    counter.received(res);
    counter.closed({ errored: null } as unknown as net.Socket, res);
    unanswered++;
  }
  t.equal(counter.outcomes.resets - before, unanswered, 'timed or not, each one');
  counter.repace();
});

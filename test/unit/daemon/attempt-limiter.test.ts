import t from 'tap';
import { AttemptLimiter } from '../../../src/daemon/attempt-limiter.js';

t.test('an address is limited after `limit` failures until its window ends; others are not', async (t) => {
  let now = 0;
  const limiter = new AttemptLimiter(() => now, 3, 10_000, 2);
  for (let i = 0; i < 3; i++) {
    t.equal(limiter.retryAfterSec('a'), 0, `attempt ${i + 1} may go`);
    limiter.failed('a');
  }
  t.equal(limiter.retryAfterSec('a'), 10, 'the 4th waits the whole window');
  now = 4_001;
  t.equal(limiter.retryAfterSec('a'), 6, 'Retry-After counts down, rounded up');
  t.equal(limiter.retryAfterSec('b'), 0, 'another address is free');
  now = 10_000;
  t.equal(limiter.retryAfterSec('a'), 0, 'a new window starts clean');
});

t.test('the table is bounded: the oldest address goes first', async (t) => {
  const limiter = new AttemptLimiter(() => 0, 1, 10_000, 2);
  limiter.failed('a');
  limiter.failed('b');
  limiter.failed('c');
  t.equal(limiter.retryAfterSec('a'), 0, 'a was evicted');
  t.equal(limiter.retryAfterSec('b'), 10);
  t.equal(limiter.retryAfterSec('c'), 10);
});

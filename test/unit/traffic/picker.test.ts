import t from 'tap';
import { Picker } from '../../../src/traffic/picker.js';

const member = (id: number, revision: number, routable = true) => ({ id, revision, routable });

function picks(p: Picker<ReturnType<typeof member>>, n: number): number[] {
  return Array.from({ length: n }, () => p.pick()?.id ?? 0);
}

t.test('no weights: round robin over routable members only', async (t) => {
  const p = new Picker<ReturnType<typeof member>>();
  const a = member(1, 1);
  const b = member(2, 1, false);
  const c = member(3, 2);
  [a, b, c].forEach((m) => p.add(m));
  t.same(picks(p, 4), [1, 3, 1, 3]);
  b.routable = true;
  t.same(picks(p, 3), [1, 2, 3]);
  p.remove(a);
  t.same(picks(p, 2), [2, 3]);
  b.routable = c.routable = false;
  t.equal(p.pick(), null, 'none routable');
});

t.test('weights: exact shares, interleaved, round robin inside a revision', async (t) => {
  const p = new Picker<ReturnType<typeof member>>();
  [member(1, 1), member(2, 1), member(3, 2)].forEach((m) => p.add(m));
  p.setWeights(new Map([[1, 3], [2, 1]]));
  const seq = picks(p, 8);
  t.equal(seq.filter((id) => id === 3).length, 2, '1 in 4 to revision 2');
  t.same(seq.filter((id) => id !== 3), [1, 2, 1, 2, 1, 2], 'round robin in revision 1');
});

t.test("weights: a revision without a routable member gives its share away; unweighted revisions get none", async (t) => {
  const p = new Picker<ReturnType<typeof member>>();
  const canary = member(3, 2, false);
  [member(1, 1), member(4, 9), canary].forEach((m) => p.add(m));
  p.setWeights(new Map([[1, 90], [2, 10]]));
  t.same(picks(p, 5), [1, 1, 1, 1, 1], 'revision 9 has no weight; revision 2 has no routable member');
  canary.routable = true;
  t.equal(picks(p, 100).filter((id) => id === 3).length, 10);
  p.setWeights(new Map([[1, 0]]));
  t.same(picks(p, 3), [1, 4, 3], 'all weights zero: as without weights');
});

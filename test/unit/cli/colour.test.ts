import t from 'tap';
import { colourWanted, createColours, stateColour, stripColour } from '../../../src/cli/render/colour.js';
import { createOutput } from '../../../src/cli/output.js';

const ESC = '\u001b[';

t.test('colour only on a TTY, never with NO_COLOR', async (t) => {
  t.equal(colourWanted({ isTTY: true }, {}), true);
  t.equal(colourWanted({ isTTY: false }, {}), false);
  t.equal(colourWanted({}, {}), false);
  t.equal(colourWanted({ isTTY: true }, { NO_COLOR: '1' }), false);
  t.equal(colourWanted({ isTTY: true }, { NO_COLOR: 'false' }), false, 'any non-empty value turns colour off');
  t.equal(colourWanted({ isTTY: true }, { NO_COLOR: '' }), true, 'an empty NO_COLOR is not set (no-color.org)');
});

t.test('disabled colours leave text as it is', async (t) => {
  const c = createColours(false);
  for (const fn of [c.green, c.yellow, c.red, c.cyan, c.dim, c.bold]) t.equal(fn('ready'), 'ready');
  t.equal(stateColour(c, 'errored')('errored'), 'errored');
});

t.test('enabled colours wrap text in ANSI sequences that strip back to it', async (t) => {
  const c = createColours(true);
  const painted = stateColour(c, 'ready')('ready');
  t.ok(painted.includes(ESC));
  t.equal(stripColour(painted), 'ready');
  t.not(stateColour(c, 'errored')('x'), stateColour(c, 'ready')('x'), 'errored and ready differ');
});

t.test('an output on a TTY is coloured unless NO_COLOR is set or --json', async (t) => {
  const tty = { write: () => true, isTTY: true };
  t.equal(createOutput({ stdout: tty, stderr: tty, env: {} }, false).colours.enabled, true);
  t.equal(createOutput({ stdout: tty, stderr: tty, env: { NO_COLOR: '1' } }, false).colours.enabled, false);
  t.equal(createOutput({ stdout: tty, stderr: tty, env: {} }, true).colours.enabled, false);
});

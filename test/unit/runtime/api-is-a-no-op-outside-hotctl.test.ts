import t from 'tap';
import { isDraining, onShutdown, ready } from '../../../src/runtime/api.js';
import { RUNTIME_KEY, setRuntime, type RuntimeHandle } from '../../../src/runtime/global.js';

t.test('outside a hotctl worker every function is a harmless no-op', async (t) => {
  t.equal(isDraining(), false);
  t.doesNotThrow(() => ready());
  const off = onShutdown(() => {});
  t.type(off, 'function');
  t.doesNotThrow(() => off());
});

t.test('inside a worker it reaches the runtime through a global, whatever copy of the package the app loaded', async (t) => {
  t.equal(RUNTIME_KEY, Symbol.for('hotctl.runtime'), 'a registered symbol, shared by every copy');
  const calls: string[] = [];
  const handle: RuntimeHandle = {
    version: 1,
    ready: () => void calls.push('ready'),
    onShutdown: () => {
      calls.push('onShutdown');
      return () => void calls.push('off');
    },
    isDraining: () => true,
  };
  setRuntime(handle);
  t.teardown(() => void delete (globalThis as Record<symbol, unknown>)[RUNTIME_KEY]);
  ready();
  onShutdown(() => {})();
  t.equal(isDraining(), true);
  t.same(calls, ['ready', 'onShutdown', 'off']);
});

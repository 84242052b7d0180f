/**
 * The reload strategies, by name: one entry per RELOAD_STRATEGIES value (the Record type makes
 * a missing or extra one a compile error). A reload, a rollback and a promote pick theirs here.
 */
import type { ReloadStrategy as StrategyName } from '../../protocol/index.js';
import type { ReloadStrategy } from '../rollout.js';
import { rolling } from './rolling.js';
import { stopFirst } from './stop-first.js';
import { surge } from './surge.js';

export const STRATEGIES: Readonly<Record<StrategyName, ReloadStrategy>> = {
  surge,
  rolling,
  'stop-first': stopFirst,
};

/** The strategy named `name` (an app spec's reload_strategy, checked when the spec was read). */
export function strategyNamed(name: string): ReloadStrategy {
  const strategy = (STRATEGIES as Record<string, ReloadStrategy | undefined>)[name];
  if (!strategy) throw new Error(`hotctl bug: no reload strategy "${name}"`);
  return strategy;
}

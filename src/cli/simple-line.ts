/**
 * A command line of the plainest form — `hotctl <command> <positionals…> [--json]`, no other
 * flag — run without loading yargs (yargs' import and its help rendering on every run cost more
 * than Node's own start-up). The command's module declares its arguments as usual; its builder
 * is replayed on a recorder that knows only the plain declarations (positional, option with
 * alias/type/default/describe/choices, example, conflicts, check). Anything else in the builder,
 * or anything unusual on the line, answers null and yargs parses the line as before.
 * test/unit/cli/simple-line.test.ts checks, command by command, that the handler gets the argv
 * yargs would give it.
 */
import type { Argv } from 'yargs';
import type { Register } from './command-table.js';
import type { CommandContext } from './context.js';

type Argvish = Record<string, unknown> & { _: (string | number)[]; $0: string };
type Handler = (argv: Argvish) => unknown;

/** Thrown by the recorder when a builder uses what it does not replay: yargs takes over. */
class NotSimple extends Error {}

const OPTION_KEYS = new Set(['alias', 'type', 'default', 'describe', 'description', 'choices', 'demandOption']);
const TYPES = new Set(['boolean', 'string', 'number']);

const camel = (name: string) => name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

interface Declared {
  positionals: Map<string, { type?: unknown; demandOption?: unknown }>;
  options: Map<string, Record<string, unknown>>;
  checks: ((argv: Argvish) => unknown)[];
}

function record(builder: unknown): Declared {
  const declared: Declared = { positionals: new Map(), options: new Map(), checks: [] };
  const recorder: Record<string, unknown> = {
    positional(name: string, opts: Record<string, unknown>) {
      if (Object.keys(opts).some((k) => !OPTION_KEYS.has(k)) || (opts.type !== undefined && opts.type !== 'string')) throw new NotSimple();
      declared.positionals.set(name, opts);
      return proxy;
    },
    option(name: string, opts: Record<string, unknown>) {
      if (Object.keys(opts).some((k) => !OPTION_KEYS.has(k)) || !TYPES.has(String(opts.type)) || opts.demandOption) throw new NotSimple();
      if (Array.isArray(opts.alias) || (opts.choices !== undefined && opts.default !== undefined)) throw new NotSimple();
      declared.options.set(name, opts);
      return proxy;
    },
    example: () => proxy,
    conflicts: () => proxy,
    check(fn: (argv: Argvish) => unknown) {
      declared.checks.push(fn);
      return proxy;
    },
  };
  const proxy: unknown = new Proxy(recorder, {
    get(target, key) {
      if (typeof key === 'string' && key in target) return target[key];
      throw new NotSimple();
    },
  });
  if (typeof builder !== 'function') throw new NotSimple();
  builder(proxy);
  return declared;
}

/** What `register` declares for `word`: the command string, its builder and its handler. */
function commandOf(register: Register, word: string, ctx: CommandContext): { template: string; builder: unknown; handler: Handler } | null {
  let found: { template: string; builder: unknown; handler: Handler } | null = null;
  const y: Record<string, unknown> = {
    command(template: unknown, _describe: unknown, builder: unknown, handler: unknown, ...rest: unknown[]) {
      if (typeof template === 'string' && template.split(' ')[0] === word && typeof handler === 'function' && rest.length === 0) {
        found = { template, builder, handler: handler as Handler };
      }
      return y;
    },
  };
  register(y as unknown as Argv<{ json: boolean }>, ctx);
  return found;
}

/**
 * The way to run `args` (what precedes `--`) without yargs through `register`, the module of its
 * command, or null when yargs must parse it.
 */
export function simpleLine(args: readonly string[], register: Register, ctx: CommandContext): (() => Promise<void>) | null {
  const json = args.includes('--json');
  const words = args.filter((a) => a !== '--json');
  if (args.length - words.length > 1 || words.length === 0 || words.some((w) => w.startsWith('-') || w === '')) return null;
  const [word, ...values] = words as [string, ...string[]];
  const command = commandOf(register, word, ctx);
  if (!command) return null;
  const slots = command.template.split(' ').slice(1);
  if (slots.some((s) => !/^(<[a-z][a-z0-9-]*>|\[[a-z][a-z0-9-]*\])$/.test(s)) || values.length > slots.length) return null;
  let declared: Declared;
  try {
    declared = record(command.builder);
  } catch (err) {
    if (err instanceof NotSimple) return null;
    throw err;
  }
  const argv: Argvish = { _: [word], $0: 'hotctl' };
  const set = (name: string, value: unknown) => {
    argv[name] = value;
    argv[camel(name)] = value;
  };
  set('json', json);
  for (const [name, opts] of declared.options) {
    if (opts.default === undefined) continue;
    set(name, opts.default);
    if (typeof opts.alias === 'string') set(opts.alias, opts.default);
  }
  for (const [i, slot] of slots.entries()) {
    const name = slot.slice(1, -1);
    const value = values[i];
    if (value === undefined) {
      if (slot.startsWith('<')) return null;
      continue;
    }
    // An undeclared positional, or one yargs would read as a number, is left to yargs.
    if (declared.positionals.get(name)?.type !== 'string') return null;
    set(name, value);
  }
  try {
    for (const check of declared.checks) if (check(argv) !== true) return null;
  } catch {
    return null;
  }
  return async () => {
    await command.handler(argv);
  };
}

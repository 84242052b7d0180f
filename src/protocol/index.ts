export * from './errors.js';
export * from './states.js';
export * from './app-spec.js';
export * from './status.js';
export * from './events.js';
export * from './control.js';
export * from './worker-ipc.js';
export * from './home.js';

/**
 * The ws package, through `require`. An ES module `import` of a CommonJS package makes Node run
 * its export lexer over the package's source first: at the daemon's start-up that lexer ran hot
 * enough for V8 to optimize it, and TurboFan's first use maps pages of the node binary that an
 * idle daemon otherwise never touches (bench/RESULTS.md, section 16). `require` skips the lexer.
 */
import { createRequire } from 'node:module';
import type { WebSocket as Ws, WebSocketServer as Wss } from 'ws';

export const { WebSocketServer } = createRequire(import.meta.url)('ws') as { WebSocketServer: typeof Wss };
export type WebSocketServer = Wss;
export type WebSocket = Ws;

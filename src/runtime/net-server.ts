/**
 * node:net's Server for the runtime's patches, through require(): an ES module import of
 * node:net evaluates every one of its exports (BlockList, SocketAddress…), which the app itself
 * may never load (bench/RESULTS.md, section 16).
 */
import { createRequire } from 'node:module';
import type net from 'node:net';

export const NetServer: typeof net.Server = (createRequire(import.meta.url)('node:net') as typeof net).Server;

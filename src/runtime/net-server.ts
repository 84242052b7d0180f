/**
 * node:net's Server for the runtime's patches, through require(): an ES module import of
 * node:net evaluates every one of its exports (BlockList, SocketAddress…), which the app itself
 * may never load (bench/RESULTS.md, section 16).
 */
import type net from 'node:net';
import { builtin } from './builtin.js';

export const NetServer: typeof net.Server = builtin<typeof net>('node:net').Server;

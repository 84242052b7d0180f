/**
 * What a message from a worker's runtime means to the pool. The facts it carries about the
 * worker (listen() called, module evaluated, the error it reported) are recorded here; what the
 * pool must do in answer is returned.
 */
import type { WorkerReport } from '../protocol/index.js';
import { isWorkerMessage, PM2_READY_MESSAGE } from '../protocol/index.js';
import type { ManagedWorker } from './worker-state.js';

/** The reason of the move to `ready`, by what the runtime saw. */
const READY_REASONS = {
  listening: 'listening',
  app: 'the app signalled ready',
  evaluated: 'module evaluated, no listen() pending (fork mode)',
} as const;

/** What the pool does next: mark the worker ready, keep a report, note a heartbeat, let it exit; or nothing. */
export type MessageEffect = { ready: string } | { report: WorkerReport } | 'heartbeat' | 'drained' | null;

export function readWorkerMessage(worker: ManagedWorker, message: unknown): MessageEffect {
  if (message === PM2_READY_MESSAGE) return worker.deployed.spec.wait_ready ? { ready: READY_REASONS.app } : null;
  if (!isWorkerMessage(message)) return null;
  switch (message.type) {
    case 'ready':
      return { ready: READY_REASONS[message.via] };
    case 'listen-started':
      worker.listenStarted = true;
      return null;
    case 'evaluated':
      worker.evaluated = true;
      return null;
    case 'boot-error':
    case 'fatal':
      worker.failure =
        message.error.code === 'EADDRINUSE'
          ? { code: 'E_PORT_IN_USE', message: message.error.message }
          : { code: 'E_WORKER_EXITED', message: `${message.error.name}: ${message.error.message}` };
      return null;
    case 'report': {
      const { hotctl: _mark, type: _type, ...report } = message;
      return { report };
    }
    case 'heartbeat':
      return 'heartbeat';
    case 'drained':
      // Answered after every connection handed to this worker so far (see worker-ipc.ts).
      return 'drained';
    case 'bye':
      return null;
  }
}

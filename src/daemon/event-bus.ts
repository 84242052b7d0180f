/**
 * The daemon's one event bus. Workers, operations, the sampler and the log router publish;
 * subscribers are the control socket's connections and the HTTP listener's /ws clients, both
 * writing through a SubscriberOutlet (subscriber-outlet.ts), so one bounded policy holds for
 * every subscriber whichever door it came in by.
 *
 * ```
 * emit(worker|operation) ─┐
 * sampler tick (metrics) ─┼─► publish ──► each subscriber: deliver(event) ──► its SubscriberOutlet
 * app output (logs) ──────┤                (topics, followed operations,        (bounded)
 * statusChanged() ─100 ms─┘                 log apps: its own filter)
 * ```
 */
import type { DaemonEvent, SubscriptionTopic } from '../protocol/index.js';

/** Status subscribers receive at most one snapshot per this many ms. */
export const STATUS_COALESCE_MS = 100;

export interface BusSubscriber {
  /** Whether it subscribed to `topic`: publishers skip building events nobody wants. */
  wants(topic: SubscriptionTopic): boolean;
  /** Every published event is offered; the subscriber keeps what it asked for, through its outlet. */
  deliver(event: DaemonEvent): void;
}

export class EventBus {
  private readonly subscribers = new Set<BusSubscriber>();
  private statusTimer: NodeJS.Timeout | null = null;

  /** `statusEvent` builds the full snapshot sent after changes. */
  constructor(
    private readonly statusEvent: () => DaemonEvent,
    private readonly coalesceMs = STATUS_COALESCE_MS,
  ) {}

  /** Adds a subscriber; the returned function removes it. */
  add(subscriber: BusSubscriber): () => void {
    this.subscribers.add(subscriber);
    return () => void this.subscribers.delete(subscriber);
  }

  get size(): number {
    return this.subscribers.size;
  }

  wants(topic: SubscriptionTopic): boolean {
    for (const subscriber of this.subscribers) if (subscriber.wants(topic)) return true;
    return false;
  }

  publish(event: DaemonEvent): void {
    // A Set may lose members while iterated (a subscriber closed by its outlet): the rest still get it.
    for (const subscriber of this.subscribers) subscriber.deliver(event);
  }

  /**
   * Status subscribers get a full snapshot after changes, coalesced so a burst of transitions
   * (a reload of 16 workers) costs one snapshot, not sixty.
   */
  statusChanged(): void {
    if (this.statusTimer !== null || !this.wants('status')) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = null;
      this.publish(this.statusEvent());
    }, this.coalesceMs);
    this.statusTimer.unref();
  }
}

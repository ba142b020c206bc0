// A bounded queue of notifications delivered one at a time in the background, each retried
// with exponential back-off. push() never waits, so notifying never delays a job; when the
// queue is full the oldest item is dropped (and counted), so a dead receiver costs a fixed
// amount of memory, however many runs end meanwhile.
import { Logger } from '../logger';
import { sleep } from '../timers';

export interface DeliveryOptions {
  /** Items waiting at most; beyond it the oldest is dropped. */
  capacity: number;
  /** Tries per item, the first included. */
  attempts: number;
  /** Wait before the second try; doubled for each further one, up to maxDelayMs. */
  firstDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_DELIVERY: DeliveryOptions = {
  capacity: 1000,
  attempts: 5,
  firstDelayMs: 1000,
  maxDelayMs: 60000,
};

export type Deliver<T> = (item: T, signal: AbortSignal) => Promise<void>;

export class DeliveryQueue<T> {
  private readonly items: T[] = [];
  private readonly closing = new AbortController();
  private pumping: Promise<void> | null = null;
  private droppedSinceWarning = 0;
  dropped = 0;
  delivered = 0;
  failed = 0;

  constructor(
    private readonly name: string,
    private readonly deliver: Deliver<T>,
    private readonly options: DeliveryOptions,
    private readonly logger: Logger,
  ) {}

  get length(): number {
    return this.items.length;
  }

  push(item: T): void {
    if (this.closing.signal.aborted) return;
    if (this.items.length >= this.options.capacity) {
      this.items.shift();
      this.dropped++;
      if (this.droppedSinceWarning++ === 0) {
        this.logger.warn(
          `${this.name}: queue full (${this.options.capacity}); dropping the oldest notifications`,
        );
      }
    }
    this.items.push(item);
    this.pumping ??= this.pump().finally(() => (this.pumping = null));
  }

  /** Stops delivering; what is still queued is dropped. Resolves when the current try has ended. */
  async close(): Promise<void> {
    this.closing.abort();
    this.items.length = 0;
    await this.pumping;
  }

  private async pump(): Promise<void> {
    const signal = this.closing.signal;
    for (let item = this.items.shift(); item !== undefined && !signal.aborted; item = this.items.shift()) {
      await this.deliverWithRetries(item, signal);
      if (this.items.length === 0) this.droppedSinceWarning = 0;
    }
  }

  private async deliverWithRetries(item: T, signal: AbortSignal): Promise<void> {
    const { attempts, firstDelayMs, maxDelayMs } = this.options;
    for (let attempt = 1; !signal.aborted; attempt++) {
      try {
        await this.deliver(item, signal);
        this.delivered++;
        return;
      } catch (e) {
        if (attempt >= attempts) {
          this.failed++;
          this.logger.error(`${this.name}: giving up after ${attempt} tries: ${(e as Error).message}`);
          return;
        }
        const delay = Math.min(maxDelayMs, firstDelayMs * 2 ** (attempt - 1));
        this.logger.warn(
          `${this.name}: try ${attempt} failed: ${(e as Error).message}; trying again in ${delay / 1000} s`,
        );
        await sleep(delay, signal);
      }
    }
  }
}

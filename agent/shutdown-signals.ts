// SIGTERM and SIGINT, heard from the moment the agent starts: the first asks for a graceful stop,
// a second for cancelling the running jobs at once. Listening before the pid file is written
// means an init system's early SIGTERM never meets the default action, which would kill the
// process on the spot and leave the file behind.

type Handler = (sig: NodeJS.Signals) => void;

export class ShutdownSignals {
  private readonly controller = new AbortController();
  /** Aborted at the first signal. */
  readonly signal = this.controller.signal;
  private first?: NodeJS.Signals;
  private handlers?: { first: Handler; again: Handler };

  constructor() {
    process.on('SIGTERM', this.onSignal);
    process.on('SIGINT', this.onSignal);
  }

  /** Who acts on the signals; a signal that came before is handed over at once. */
  handle(first: Handler, again: Handler): void {
    this.handlers = { first, again };
    if (this.first) first(this.first);
  }

  close(): void {
    process.off('SIGTERM', this.onSignal);
    process.off('SIGINT', this.onSignal);
  }

  private readonly onSignal = (sig: NodeJS.Signals): void => {
    if (this.first) return this.handlers?.again(sig);
    this.first = sig;
    this.controller.abort();
    this.handlers?.first(sig);
  };
}

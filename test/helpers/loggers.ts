// Loggers for unit tests of modules that take a Logger.
import { Logger } from '../../agent/logger';

/** Writes nothing. */
export const quietLogger: Logger = {
  error: () => {},
  warn: () => {},
  debug: () => {},
  reopen: () => true,
  close: async () => {},
};

// A promise settled from outside: what waiters for the next service connection await.

export interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(e: Error): void;
}

/** A rejection nobody awaits is not reported as unhandled. */
export function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

export const never = new Promise<never>(() => {});

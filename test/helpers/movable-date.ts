/**
 * One clock for a whole test process: replaces the global `Date` with a subclass whose `now()`
 * and argument-less constructor run `offsetMs` ahead of real time. For tests where an unmodified
 * client library reads the time itself (Amplify compares `Date.now()` with a token's expiry and
 * measures its clock drift with `new Date()`) and the in-process Tessera must agree with it: the
 * harness's testClock reads `Date.now()`, so server and library move together, without sleeping.
 * Dates built from a value are untouched. The AWS SDK's SigV4 signing was seen not to follow it:
 * make signed (admin) calls before moving the clock far, or the server refuses them as expired.
 */
export interface MovableDate {
  /** Moves every reader of the clock forward. */
  advance(seconds: number): void;
  /** Puts the real `Date` back. */
  restore(): void;
}

export function installMovableDate(): MovableDate {
  const RealDate = globalThis.Date;
  let offsetMs = 0;
  class Moved extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(RealDate.now() + offsetMs);
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return RealDate.now() + offsetMs;
    }
  }
  globalThis.Date = Moved as DateConstructor;
  return {
    advance(seconds) {
      offsetMs += seconds * 1000;
    },
    restore() {
      globalThis.Date = RealDate;
    },
  };
}

/**
 * The live heap of this process, in MiB, after full garbage collections: for tests that something
 * kept after a call (a cache entry, a memo) does not keep more alive than it should. Exposes V8's
 * collector to this process on first use.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

let collect: (() => void) | undefined;

export function liveHeapMiB(): number {
  if (!collect) {
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
  }
  collect();
  collect();
  return process.memoryUsage().heapUsed / 1048576;
}

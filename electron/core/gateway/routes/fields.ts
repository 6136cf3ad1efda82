import { numParam } from '../http-io';

/** A whole-number field (limits in bytes per second, times in minutes): the number with its fraction dropped; undefined when absent or not a number. */
export function intParam(v: string | undefined): number | undefined {
  const n = numParam(v);
  return n === undefined ? undefined : Math.trunc(n);
}

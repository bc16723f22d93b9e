import type { Context } from '../context.js';
import type { Input } from '../spec.js';
import { act } from './lifecycle.run.js';
import type { spec } from './rm.js';

export function run(o: Input<typeof spec>, ctx: Context): Promise<number> {
  return act(ctx, 'delete', o);
}

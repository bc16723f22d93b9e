import type { Context } from '../context.js';
import { act } from './lifecycle.js';

export function run(ctx: Context): Promise<number> {
  return act(ctx, 'delete');
}

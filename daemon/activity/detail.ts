import type { InteractionDetail } from '../../shared/protocol/model.js';

export type { InteractionDetail };

/**
 * How a prompt's detail (what is to be approved) is read off the screen, by name so
 * that a profile in the config file can pick one:
 * - `claude-tool`: Claude Code's permission block, between a rule and the question: a
 *   title ("Bash command"), then the command's rows and, last, its description.
 * - `codex-command`: Codex's approval, between the question and the choices:
 *   `$ COMMAND` and `Reason: …`.
 */
export const DETAIL_READERS = ['claude-tool', 'codex-command'] as const;
export type DetailReader = (typeof DETAIL_READERS)[number];

/** A row that is only a rule or a frame edge (not a blank one). */
const RULE = /^[─━═╭╮╰╯┌┐└┘├┤┬┴┼╔╗╚╝-]+$/u;
/** How far above the question a permission block's rule is looked for. */
const BLOCK_ROWS = 30;

/** The detail of a prompt, from the rows above its question and those between it and its first choice (normalized rows). */
export function readDetail(reader: DetailReader, rows: { above: string[]; below: string[] }): InteractionDetail | null {
  return reader === 'claude-tool' ? claudeTool(rows.above) : codexCommand(rows.below);
}

function claudeTool(above: string[]): InteractionDetail | null {
  let start = -1;
  for (let i = above.length - 1; i >= Math.max(0, above.length - BLOCK_ROWS); i--) {
    if (RULE.test(above[i]!)) {
      start = i + 1;
      break;
    }
  }
  if (start === -1) return null;
  const block = above.slice(start).filter((row) => row !== '');
  const title = block.shift();
  if (title === undefined) return null;
  const isCommand = / command$/.test(title);
  const tool = isCommand ? title.replace(/ command$/, '') : title;
  if (block.length === 0) return { tool };
  if (isCommand && block.length >= 2) return { tool, command: block.slice(0, -1).join('\n'), description: block.at(-1)! };
  return { tool, command: isCommand ? block.join('\n') : block[0]! };
}

function codexCommand(below: string[]): InteractionDetail | null {
  const at = below.findIndex((row) => row.startsWith('$ '));
  if (at === -1) return null;
  const lines = [below[at]!.slice(2)];
  // A command over several rows continues until a blank row.
  for (let i = at + 1; i < below.length && below[i] !== ''; i++) lines.push(below[i]!);
  const reason = below.find((row) => row.startsWith('Reason: '))?.slice('Reason: '.length);
  return { tool: 'shell', command: lines.join('\n'), ...(reason === undefined ? {} : { reason }) };
}

import { describe, expect, it } from 'vitest';
import { parse, UsageError } from '../../client/cli/args.js';
import { COMMANDS, GLOBAL_OPTIONS } from '../../client/cli/registry.js';
import { spec as ls } from '../../client/cli/commands/ls.js';
import { spec as create } from '../../client/cli/commands/new.js';
import { spec as send } from '../../client/cli/commands/send.js';
import { stop } from '../../client/cli/commands/lifecycle.js';
import { globalValues } from '../../client/cli/options.js';
import { defineCommand } from '../../client/cli/spec.js';

const p = (...argv: string[]) => parse(argv, COMMANDS, GLOBAL_OPTIONS);

describe('the sess command line', () => {
  it('reads options in every form, before and after positionals', () => {
    const r = p('send', '--no-enter', 'api', 'hello', 'world', '--when=idle', '--expires', '500');
    expect(r.command?.name).toBe('send');
    expect(r.args).toEqual({ session: 'api', text: ['hello', 'world'] });
    expect(r.options).toEqual({ 'no-enter': true, when: 'idle', expires: 500 });
  });

  it('repeats strings options and takes global options before the command', () => {
    const r = p('--json', '--socket', '/s', 'ls', '-l', 'a=1', '--label', 'b=2', '--status', 'running', '--status', 'paused');
    expect(r.options).toEqual({ json: true, socket: '/s', label: ['a=1', 'b=2'], status: ['running', 'paused'] });
  });

  it("gives a program's arguments to the program", () => {
    expect(p('new', '-n', 'x', 'claude', '--model', 'opus', '-n', 'y')).toMatchObject({ options: { name: 'x' }, program: ['claude', '--model', 'opus', '-n', 'y'] });
    expect(p('new', '--', '--weird-program', '-x').program).toEqual(['--weird-program', '-x']);
    expect(p('new').program).toEqual([]);
  });

  it('finds two-word commands and asks for the second word', () => {
    expect(p('daemon', 'status').command?.name).toBe('daemon status');
    expect(() => p('daemon')).toThrow('sess daemon needs a subcommand: daemon status, daemon start, daemon stop');
  });

  it('treats a negative number as a value, and - as a positional', () => {
    expect(p('send', 'api', '-').args.text).toEqual(['-']);
    expect(p('capture', 'api', '-n', '-5').options.lines).toBe(-5);
  });

  it.each([
    [['frob'], 'unknown command "frob"'],
    [['ls', '--nope'], 'unknown option --nope for sess ls'],
    [['ls', '-s'], '--space needs a value (SPACE)'],
    [['ls', '--wide=yes'], '--wide takes no value'],
    [['ls', '--status', 'sleeping'], '--status must be one of created, running, paused, suspended, stopped, exited, crashed (got "sleeping")'],
    [['capture', 'api', '-n', 'many'], '--lines needs a number (got "many")'],
    [['show'], 'sess show needs SESSION'],
    [['show', 'a', 'b'], 'unexpected argument "b" for sess show'],
    [['keys', 'api'], 'sess keys needs KEY'],
  ])('refuses %j: %s', (argv, message) => {
    expect(() => p(...argv)).toThrow(UsageError);
    expect(() => p(...argv)).toThrow(message);
  });

  it('notices help and version anywhere', () => {
    expect(p('--help')).toMatchObject({ help: true, command: undefined });
    expect(p('stop', '--help')).toMatchObject({ help: true, command: { name: 'stop' } });
    expect(p('-V').version).toBe(true);
  });
});

describe("a command's typed input", () => {
  it('gives each option under its camelCase key, and the arguments by name', () => {
    const input = send.input(p('send', '--no-enter', 'api', 'hello', 'world', '--when=idle', '--expires', '500'));
    expect(input).toEqual({ session: 'api', text: ['hello', 'world'], noEnter: true, when: 'idle', expires: 500, force: false });
  });

  it('reads an absent boolean as false, absent strings as empty, other absent options as undefined', () => {
    expect(ls.input(p('ls'))).toEqual({
      space: undefined,
      status: [],
      label: [],
      task: undefined,
      agentId: undefined,
      waiting: false,
      wide: false,
      hosts: undefined,
      allHosts: false,
    });
    expect(stop.input(p('stop', '--all'))).toEqual({ session: [], force: false, timeout: undefined, space: undefined, label: [], status: [], all: true });
  });

  it("gives a program's argv as program, and leaves the global options out", () => {
    const parsed = p('--json', 'new', '-n', 'x', '--dry-run', 'claude', '--model', 'opus');
    expect(create.input(parsed)).toMatchObject({ name: 'x', dryRun: true, noStart: false, env: [], program: ['claude', '--model', 'opus'] });
    expect(create.input(parsed)).not.toHaveProperty('json');
    expect(globalValues(parsed)).toEqual({ json: true, socket: undefined, noAutostart: false });
  });

  it('refuses a command whose argument and option share a name', () => {
    expect(() => defineCommand({ name: 'x', group: 'Sessions', summary: 'x', args: [{ name: 'session' }], options: { session: { type: 'string', description: 'x' } } })).toThrow(
      'sess x: session is both an argument and an option',
    );
  });
});

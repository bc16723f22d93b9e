import { RESTART_POLICIES } from '../options.js';
import { defineCommand } from '../spec.js';

/** `sess new`: session/create. */
export const spec = defineCommand({
  name: 'new',
  group: 'Sessions',
  summary: 'Start a program (or your shell) in a new session',
  description:
    'Starts COMMAND with its arguments in a new session, in the current directory, with your environment (less those of your terminal) and found on your PATH. Without a COMMAND it starts your login shell. Options after COMMAND belong to it, so `sess new claude --model opus` passes --model to claude.',
  program: true,
  options: {
    name: { alias: 'n', type: 'string', value: 'NAME', description: "Session name, unique in its space (default: the program's name)" },
    space: { alias: 's', type: 'string', value: 'SPACE', description: 'Space to put it in (default: default)' },
    template: { alias: 't', type: 'string', value: 'TEMPLATE', description: 'Start from a template' },
    cwd: { alias: 'c', type: 'string', value: 'DIR', description: 'Working directory (default: the current one)' },
    env: { alias: 'e', type: 'strings', value: 'KEY=VALUE', description: 'Set an environment variable (repeat for more)' },
    cleanEnv: { type: 'boolean', description: "Do not pass your environment on (the program gets sessd's, plus --env and the template's)" },
    label: { alias: 'l', type: 'strings', value: 'KEY=VALUE', description: 'Set a label (repeat for more)' },
    task: { type: 'string', value: 'ID', description: 'The task this session works on' },
    agent: { type: 'string', value: 'PROFILE', description: 'Activity detector profile (default: guessed from the program)' },
    agentId: { type: 'string', value: 'ID', description: 'An id of your own for the agent in it' },
    type: { type: 'string', value: 'TYPE', description: 'A session type of your own' },
    context: { type: 'string', value: 'JSON', description: 'Context to keep with the session (a JSON object)' },
    restart: { type: 'string', value: 'POLICY', choices: RESTART_POLICIES, description: 'Restart policy (default: never)' },
    size: { type: 'string', value: 'COLSxROWS', description: 'Terminal size (default 120x40)' },
    noStart: { type: 'boolean', description: 'Record the session without starting it' },
    attach: { alias: 'a', type: 'boolean', description: 'Attach to it right away' },
    dryRun: { type: 'boolean', description: 'Show the session that would be created, and where each setting comes from; create nothing' },
    worktree: { alias: 'w', type: 'boolean', description: 'Run it in a new git worktree of the repository the directory is in (branch sess/NAME)' },
    branch: { type: 'string', value: 'BRANCH', description: 'The worktree\'s branch: an existing one is checked out, a new one made (implies --worktree)' },
    base: { type: 'string', value: 'REF', description: 'Where a new worktree branch starts (default: HEAD; implies --worktree)' },
  },
  examples: ['sess new', 'sess new -n api -- npm run dev', 'sess new -n review -l team=web claude', 'sess new --attach -c ~/src/app -- aider --model sonnet', 'sess new -w -n fix-login claude', 'sess new --branch feature/x --base main -n x claude'],
});

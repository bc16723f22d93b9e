import { REF_HELP, SESSION_ARG } from '../options.js';
import { defineCommand } from '../spec.js';

/** `sess checkpoint`, `checkpoints`, `restore`: session/checkpoint, checkpoint/list, session/restore. */

export const checkpoint = defineCommand({
  name: 'checkpoint',
  group: 'Checkpoints',
  summary: "Save a session's state: screen, context, git state, resume prompt",
  description: `Saves a checkpoint of the session: its screen and scrollback, command, directory, environment, context, and the git state of its directory. \`sess restore\` brings the session back from it. ${REF_HELP}`,
  args: [SESSION_ARG],
  options: {
    message: { alias: 'm', type: 'string', value: 'LABEL', description: 'A label for the checkpoint' },
    context: { type: 'string', value: 'JSON', description: "A JSON object merged into the session's context in the checkpoint" },
    resumePrompt: { type: 'string', value: 'TEXT', description: 'Text typed into the restored program once it is ready' },
  },
  examples: ['sess checkpoint agent -m "tests pass"', `sess checkpoint agent --resume-prompt "Continue with step 4" --context '{"step": 4}'`],
});

export const checkpoints = defineCommand({
  name: 'checkpoints',
  group: 'Checkpoints',
  summary: "List a session's checkpoints",
  description: REF_HELP,
  args: [SESSION_ARG],
  options: {},
});

export const restore = defineCommand({
  name: 'restore',
  group: 'Checkpoints',
  summary: 'Bring a session back from a checkpoint',
  description: `Runs the checkpoint's command again in its directory, shows the saved screen above the new output, and types the resume prompt once the program is ready. The session must not be running; with --as, the checkpoint becomes a new session beside it. ${REF_HELP}`,
  args: [SESSION_ARG],
  options: {
    seq: { type: 'number', value: 'N', description: 'Which checkpoint (default: the latest; see sess checkpoints)' },
    as: { type: 'string', value: 'NAME', description: 'Restore as a new session called NAME' },
  },
  examples: ['sess restore agent', 'sess restore agent --seq 3 --as agent-retry'],
});

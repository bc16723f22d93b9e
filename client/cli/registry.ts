import type { CommandSpec, OptionSpec } from './args.js';
import { TEMPLATE_COMMANDS } from './registry-config.js';

/**
 * Every `sess` command: its arguments, options and help. The parser, the help and
 * shell completion read this table; a command's code is loaded only when it runs.
 */

export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  { name: 'json', type: 'boolean', description: "Print the protocol's objects as JSON instead of text" },
  { name: 'socket', type: 'string', value: 'PATH', description: "sessd's socket [env SESSD_SOCKET; default $XDG_RUNTIME_DIR/sessd/sessd.sock]" },
  { name: 'no-autostart', type: 'boolean', description: 'Do not start sessd when it is not running; fail instead' },
];

const STATUSES = ['created', 'running', 'paused', 'suspended', 'stopped', 'exited', 'crashed'] as const;

/** Options that pick sessions by what they are, instead of naming them. */
const SELECTOR: readonly OptionSpec[] = [
  { name: 'space', alias: 's', type: 'string', value: 'SPACE', description: 'Every session in SPACE' },
  { name: 'label', alias: 'l', type: 'strings', value: 'KEY=VALUE', description: 'Every session with this label (repeat to require several)' },
  { name: 'status', type: 'strings', value: 'STATUS', choices: STATUSES, description: 'Every session in this status (repeat for any of several)' },
  { name: 'all', type: 'boolean', description: 'Every session' },
];

const SESSION_ARG = { name: 'session', required: true, complete: 'session' } as const;
const SESSIONS_ARG = { name: 'session', variadic: true, complete: 'session' } as const;
const REF_HELP = 'SESSION is an id (s7k2m9qv), SPACE/NAME, or a NAME in the default space.';

const lifecycle = (name: string, summary: string, description: string, extra: readonly OptionSpec[] = []): CommandSpec => ({
  name,
  summary,
  description: `${description}\n\nName sessions, or pick them with --space, --label, --status or --all. ${REF_HELP}`,
  args: [SESSIONS_ARG],
  options: [...extra, ...SELECTOR],
  examples: [`sess ${name} api`, `sess ${name} --label team=web`],
  module: 'lifecycle',
});

const STOP_OPTIONS: readonly OptionSpec[] = [
  { name: 'force', alias: 'f', type: 'boolean', description: 'Kill at once (SIGKILL) instead of asking the program to end' },
  { name: 'timeout', type: 'number', value: 'MS', description: 'How long to wait for a graceful stop before SIGKILL (default 5000)' },
];

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'new',
    summary: 'Start a program (or your shell) in a new session',
    description:
      'Starts COMMAND with its arguments in a new session, in the current directory. Without a COMMAND it starts your login shell. Options after COMMAND belong to it, so `sess new claude --model opus` passes --model to claude.',
    args: [],
    program: true,
    options: [
      { name: 'name', alias: 'n', type: 'string', value: 'NAME', description: "Session name, unique in its space (default: the program's name)" },
      { name: 'space', alias: 's', type: 'string', value: 'SPACE', description: 'Space to put it in (default: default)' },
      { name: 'template', alias: 't', type: 'string', value: 'TEMPLATE', description: 'Start from a template' },
      { name: 'cwd', alias: 'c', type: 'string', value: 'DIR', description: 'Working directory (default: the current one)' },
      { name: 'env', alias: 'e', type: 'strings', value: 'KEY=VALUE', description: 'Set an environment variable (repeat for more)' },
      { name: 'label', alias: 'l', type: 'strings', value: 'KEY=VALUE', description: 'Set a label (repeat for more)' },
      { name: 'task', type: 'string', value: 'ID', description: 'The task this session works on' },
      { name: 'agent', type: 'string', value: 'PROFILE', description: 'Activity detector profile (default: guessed from the program)' },
      { name: 'agent-id', type: 'string', value: 'ID', description: 'An id of your own for the agent in it' },
      { name: 'type', type: 'string', value: 'TYPE', description: 'A session type of your own' },
      { name: 'context', type: 'string', value: 'JSON', description: 'Context to keep with the session (a JSON object)' },
      { name: 'restart', type: 'string', value: 'POLICY', choices: ['never', 'on-failure', 'always'], description: 'Restart policy (default: never)' },
      { name: 'size', type: 'string', value: 'COLSxROWS', description: 'Terminal size (default 120x40)' },
      { name: 'no-start', type: 'boolean', description: 'Record the session without starting it' },
      { name: 'attach', alias: 'a', type: 'boolean', description: 'Attach to it right away' },
      { name: 'dry-run', type: 'boolean', description: 'Show the session that would be created, and where each setting comes from; create nothing' },
    ],
    examples: ['sess new', 'sess new -n api -- npm run dev', 'sess new -n review -l team=web claude', 'sess new --attach -c ~/src/app -- aider --model sonnet'],
    module: 'new',
  },
  {
    name: 'ls',
    summary: 'List sessions',
    description: 'Lists sessions, oldest first, with their status and what they are doing. Filters combine.',
    args: [],
    options: [
      { name: 'space', alias: 's', type: 'string', value: 'SPACE', description: 'Only this space' },
      { name: 'status', type: 'strings', value: 'STATUS', choices: STATUSES, description: 'Only these statuses (repeat for several)' },
      { name: 'label', alias: 'l', type: 'strings', value: 'KEY=VALUE', description: 'Only sessions with this label (repeat to require several)' },
      { name: 'task', type: 'string', value: 'ID', description: 'Only sessions of this task' },
      { name: 'agent-id', type: 'string', value: 'ID', description: 'Only sessions of this agent' },
      { name: 'waiting', type: 'boolean', description: 'Only sessions whose program waits for a person (an approval, a question)' },
      { name: 'wide', alias: 'w', type: 'boolean', description: 'Show ids, pids, labels and directories too' },
    ],
    examples: ['sess ls', 'sess ls --waiting', 'sess ls -s work --status running', 'sess ls --json | jq -r ".sessions[].name"'],
    module: 'ls',
  },
  {
    name: 'show',
    summary: "Show a session's details",
    description: REF_HELP,
    args: [SESSION_ARG],
    options: [],
    module: 'show',
  },
  {
    name: 'attach',
    summary: "Attach your terminal to a session (detach with the tmux prefix, then d)",
    description: `Runs tmux attach on sessd's private tmux server, in this terminal. Detaching (Ctrl-b d) leaves the session running. ${REF_HELP}`,
    args: [SESSION_ARG],
    options: [
      { name: 'read-only', alias: 'r', type: 'boolean', description: 'Watch without typing into it' },
      { name: 'via-daemon', type: 'boolean', description: 'Stream the terminal through sessd instead of running tmux here (Ctrl-] detaches)' },
    ],
    examples: ['sess attach api', 'sess attach --read-only work/agent', 'sess attach --via-daemon api'],
    module: 'attach',
  },
  {
    name: 'send',
    summary: 'Type text into a session, then press Enter',
    description: `Types TEXT (the words joined by spaces; read from standard input when there are none or when TEXT is -) exactly as given: tmux key names, #{formats}, ; and newlines are text. ${REF_HELP}`,
    args: [SESSION_ARG, { name: 'text', variadic: true }],
    options: [
      { name: 'no-enter', type: 'boolean', description: 'Do not press Enter after the text' },
      { name: 'when', type: 'string', value: 'WHEN', choices: ['now', 'idle'], description: 'now (default), or idle: queue it, typed the next time the program is idle (in order, one per idle)' },
      { name: 'expires', type: 'number', value: 'MS', description: 'With --when idle: give up after this long (default 24h)' },
    ],
    examples: ['sess send api "npm test"', 'sess send --when idle agent "now run the tests"', 'git diff | sess send review', 'sess send --no-enter shell "ls -l"'],
    module: 'send',
  },
  {
    name: 'inbox',
    summary: 'List the questions sessions wait on (approvals, prompts)',
    description: 'Every open interaction across sessions: the question on screen and its choices. Answer with sess approve, sess deny or sess answer.',
    args: [],
    options: [],
    examples: ['sess inbox', 'sess inbox --json'],
    module: 'inbox',
  },
  {
    name: 'approve',
    summary: "Approve what a session's program asks permission for",
    description: `Picks the approving choice (Yes) of the session's open approval, typed the way its program takes it. ${REF_HELP}`,
    args: [SESSION_ARG],
    options: [],
    examples: ['sess approve agent'],
    module: 'inbox',
  },
  {
    name: 'deny',
    summary: "Deny what a session's program asks permission for",
    description: `Picks the denying choice (No) of the session's open approval. ${REF_HELP}`,
    args: [SESSION_ARG],
    options: [],
    examples: ['sess deny agent'],
    module: 'inbox',
  },
  {
    name: 'answer',
    summary: "Answer the question a session's program asks",
    description: `CHOICE is a choice's id (1, 2, y, ...) or the start of its label (yes, no); --text types free text and Enter instead. ${REF_HELP}`,
    args: [SESSION_ARG, { name: 'answer', variadic: true }],
    options: [{ name: 'text', type: 'string', value: 'TEXT', description: 'Answer with this text (a free-text question, or "tell it what to do instead")' }],
    examples: ['sess answer agent 2', 'sess answer agent yes', 'sess answer shell --text hunter2'],
    module: 'inbox',
  },
  {
    name: 'keys',
    summary: 'Send tmux key names to a session (C-c, Escape, Up, Enter, ...)',
    description: `Each KEY is a tmux key name, sent as that key: C-c, M-x, Escape, Enter, Up, F5, or a single character. An unknown name is an error. ${REF_HELP}`,
    args: [SESSION_ARG, { name: 'key', variadic: true, required: true }],
    options: [],
    examples: ['sess keys api C-c', 'sess keys agent Escape Escape'],
    module: 'keys',
  },
  {
    name: 'interrupt',
    summary: 'Interrupt what a session is doing (Ctrl-C)',
    description: REF_HELP,
    args: [SESSION_ARG],
    options: [],
    module: 'interrupt',
  },
  {
    name: 'capture',
    summary: "Print a session's screen",
    description: `Prints the visible screen, or the last LINES lines of history and screen. ${REF_HELP}`,
    args: [SESSION_ARG],
    options: [
      { name: 'lines', alias: 'n', type: 'number', value: 'LINES', description: 'The last LINES lines, scrollback included' },
      { name: 'ansi', type: 'boolean', description: 'Keep colours and attributes as escape sequences' },
    ],
    examples: ['sess capture api', 'sess capture -n 500 agent > agent.txt'],
    module: 'capture',
  },
  {
    name: 'logs',
    summary: "Print a session's output transcript",
    description: `Prints what the session's program wrote, from its start (or from byte OFFSET). With -f, keeps printing new output. ${REF_HELP}`,
    args: [SESSION_ARG],
    options: [
      { name: 'follow', alias: 'f', type: 'boolean', description: 'Keep printing new output' },
      { name: 'from', type: 'number', value: 'OFFSET', description: 'Start at this byte offset' },
    ],
    module: 'logs',
  },
  {
    name: 'events',
    summary: 'Print events (sessions created, status changes, ...)',
    description: 'Prints stored events from SEQ (default: the last 20), then exits; with -f, keeps printing new ones as they happen.',
    args: [],
    options: [
      { name: 'follow', alias: 'f', type: 'boolean', description: 'Keep printing new events' },
      { name: 'from', type: 'number', value: 'SEQ', description: 'Start at this event number' },
      { name: 'type', type: 'strings', value: 'TYPE', description: 'Only this event type, e.g. session.status (repeat for several)' },
      { name: 'session', type: 'strings', value: 'SESSION', description: 'Only this session (repeat for several)' },
    ],
    examples: ['sess events', 'sess events -f --type session.status', 'sess events -f --json'],
    module: 'events',
  },
  lifecycle('start', 'Start sessions that are not running', 'Starts the program again in each session that was created, stopped, exited or crashed.'),
  lifecycle('stop', 'Stop sessions (the screen is kept)', 'Asks each program to end (SIGTERM and SIGHUP), and kills it (SIGKILL) after the timeout.', STOP_OPTIONS),
  lifecycle('restart', 'Stop and start sessions', 'Stops each running session as `sess stop` does, then starts it again.', STOP_OPTIONS),
  lifecycle('pause', 'Pause sessions (SIGSTOP)', 'Freezes each program and everything it started until resumed.'),
  lifecycle('resume', 'Resume paused or suspended sessions', 'Lets each paused program go on (SIGCONT), and restores each suspended session from its latest checkpoint.'),
  lifecycle(
    'suspend',
    'Checkpoint sessions, then stop them',
    'Saves a checkpoint of each session (screen, context, git state), then stops it as `sess stop` does. `sess resume` brings it back from that checkpoint.',
    STOP_OPTIONS,
  ),
  {
    ...lifecycle('rm', 'Delete sessions (stopping them first)', 'Stops each live session, then removes it with its tmux session and its record.', [
      { name: 'force', alias: 'f', type: 'boolean', description: 'Kill live programs at once (SIGKILL)' },
    ]),
    module: 'rm',
  },
  {
    name: 'checkpoint',
    summary: "Save a session's state: screen, context, git state, resume prompt",
    description: `Saves a checkpoint of the session: its screen and scrollback, command, directory, environment, context, and the git state of its directory. \`sess restore\` brings the session back from it. ${REF_HELP}`,
    args: [SESSION_ARG],
    options: [
      { name: 'message', alias: 'm', type: 'string', value: 'LABEL', description: 'A label for the checkpoint' },
      { name: 'context', type: 'string', value: 'JSON', description: "A JSON object merged into the session's context in the checkpoint" },
      { name: 'resume-prompt', type: 'string', value: 'TEXT', description: 'Text typed into the restored program once it is ready' },
    ],
    examples: ['sess checkpoint agent -m "tests pass"', `sess checkpoint agent --resume-prompt "Continue with step 4" --context '{"step": 4}'`],
    module: 'checkpoint',
  },
  {
    name: 'checkpoints',
    summary: "List a session's checkpoints",
    description: REF_HELP,
    args: [SESSION_ARG],
    options: [],
    module: 'checkpoint',
  },
  {
    name: 'restore',
    summary: 'Bring a session back from a checkpoint',
    description: `Runs the checkpoint's command again in its directory, shows the saved screen above the new output, and types the resume prompt once the program is ready. The session must not be running; with --as, the checkpoint becomes a new session beside it. ${REF_HELP}`,
    args: [SESSION_ARG],
    options: [
      { name: 'seq', type: 'number', value: 'N', description: 'Which checkpoint (default: the latest; see sess checkpoints)' },
      { name: 'as', type: 'string', value: 'NAME', description: 'Restore as a new session called NAME' },
    ],
    examples: ['sess restore agent', 'sess restore agent --seq 3 --as agent-retry'],
    module: 'checkpoint',
  },
  {
    name: 'gc',
    summary: 'Delete sessions that ended long ago, with their checkpoints and transcripts',
    description: 'Deletes stopped, exited and crashed sessions (or those in --status) that ended at least DURATION ago. Live and suspended sessions are kept unless you name their status.',
    args: [],
    options: [
      { name: 'older-than', type: 'string', value: 'DURATION', description: 'How long ago they ended: 7d, 12h, 30m, 0s' },
      { name: 'status', type: 'strings', value: 'STATUS', choices: STATUSES, description: 'Only these statuses (repeat for several)' },
    ],
    examples: ['sess gc --older-than 7d', 'sess gc --older-than 0s --status crashed'],
    module: 'gc',
  },
  {
    name: 'update',
    summary: "Change a session's labels or context",
    description: `Sets and removes labels, and merges JSON into the session's context (RFC 7396: null removes a key), or replaces it. ${REF_HELP}`,
    args: [SESSION_ARG],
    options: [
      { name: 'label', alias: 'l', type: 'strings', value: 'KEY=VALUE', description: 'Set a label (repeat for more)' },
      { name: 'unlabel', type: 'strings', value: 'KEY', description: 'Remove a label (repeat for more)' },
      { name: 'context', type: 'string', value: 'JSON', description: 'A JSON object merged into the context' },
      { name: 'replace-context', type: 'boolean', description: 'Replace the context with --context instead of merging' },
    ],
    examples: ['sess update api -l stage=review --unlabel draft', `sess update agent --context '{"ticket": "ENG-12"}'`],
    module: 'update',
  },
  {
    name: 'daemon status',
    summary: "Show sessd's state: version, paths, sessions, tmux",
    args: [],
    options: [],
    module: 'daemon',
  },
  {
    name: 'daemon start',
    summary: 'Start sessd in the background, if it is not running',
    args: [],
    options: [],
    module: 'daemon',
  },
  {
    name: 'daemon stop',
    summary: 'Stop sessd (sessions keep running)',
    args: [],
    options: [],
    module: 'daemon',
  },
  {
    name: 'daemon install',
    summary: 'Install sessd as a systemd user service (socket-activated) for this installation',
    description:
      'Writes sessd.socket and sessd.service to $XDG_CONFIG_HOME/systemd/user, running this installation of sessd with this node, and enables and starts the socket when a systemd user manager runs. Run `loginctl enable-linger` once so that sessions outlive your logout. Sessions keep running throughout.',
    args: [],
    options: [{ name: 'no-enable', type: 'boolean', description: 'Only write the units; do not enable or start them' }],
    module: 'daemon-units',
  },
  {
    name: 'daemon uninstall',
    summary: 'Remove the systemd user units that `sess daemon install` wrote',
    description: 'Disables and stops sessd.socket and sessd.service (sessions keep running) and removes the unit files.',
    args: [],
    options: [],
    module: 'daemon-units',
  },
  ...TEMPLATE_COMMANDS,
  {
    name: 'daemon metrics',
    summary: "Show sessd's counters: sessions, requests and latencies, messages, checkpoints, memory",
    description:
      'Counters count from the daemon\'s start. Latencies are per method, from histograms with fixed buckets (P50 and P99 show the bucket they fall in). --prometheus prints the Prometheus text format, for a scraper (e.g. a textfile collector).',
    args: [],
    options: [{ name: 'prometheus', type: 'boolean', description: 'Print the Prometheus text exposition format' }],
    examples: ['sess daemon metrics', 'sess daemon metrics --json | jq .requests.methods', 'sess daemon metrics --prometheus > /var/lib/node_exporter/sessd.prom'],
    module: 'metrics',
  },
  {
    name: 'completion',
    summary: 'Print a shell completion script (bash or zsh)',
    description: 'Add `source <(sess completion)` to ~/.bashrc or ~/.zshrc; session names are completed from the running sessd.',
    args: [],
    options: [],
    module: 'completion-command',
  },
];

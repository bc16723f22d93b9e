import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Wakeable } from './wait.js';

/**
 * A model API for the real agents to talk to, served on 127.0.0.1: the Anthropic
 * Messages API (`POST /v1/messages`, for Claude Code through ANTHROPIC_BASE_URL) and
 * the OpenAI Responses API (`POST /v1/responses`, for Codex through a model provider
 * whose base_url is `${url}/v1`). Both stream SSE.
 *
 * What the model answers is decided per request by `reply`, so a test scripts the
 * conversation by what the agent sent (the user's text, a tool's result), not by
 * counting calls: agents also make side requests (titles, quota checks) that must
 * not consume a scripted turn. Every request is recorded for assertions.
 */

/** What the model says: text, or a shell command it wants run (Bash for Claude, the shell tool for Codex). */
export type Reply = { text: string } | { command: string; text?: string };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, or the raw text when it is not JSON. */
  body: unknown;
  /** The API the request belongs to. */
  api: 'anthropic' | 'openai' | 'other';
  /** Time the last byte of the reply was written (for latency measurements). */
  answeredAt?: number;
}

/** Decides the model's reply; a promise holds the answer back (the agent stays busy until it settles). */
export type Responder = (request: RecordedRequest) => Reply | Promise<Reply>;

/** Identifiers of tool calls the mock hands out, so a test can find their results. */
export const TOOL_CALL_PREFIX = { anthropic: 'toolu_mock_', openai: 'call_mock_' } as const;

export class MockModel {
  readonly requests: RecordedRequest[] = [];
  private readonly changed = new Wakeable();
  private calls = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    public reply: Responder,
  ) {}

  /** Starts the mock on an ephemeral port. */
  static async start(reply: Responder = () => ({ text: 'ok' })): Promise<MockModel> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const mock = new MockModel(server, `http://127.0.0.1:${port}`, reply);
    server.on('request', (req, res) => mock.handle(req, res));
    return mock;
  }

  /** Waits until a recorded request satisfies `match` and returns it. */
  waitForRequest(match: (request: RecordedRequest) => boolean, what = 'a matching request'): Promise<RecordedRequest> {
    return this.changed.until(
      () => this.requests.find(match),
      () => `the mock never received ${what}; it received:\n${this.requests.map((r) => `  ${r.method} ${r.path}`).join('\n')}`,
    );
  }

  /** The model conversation requests (those that carry tools), in order. */
  conversation(): RecordedRequest[] {
    return this.requests.filter((r) => r.api !== 'other' && hasTools(r.body));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      try {
        body = raw === '' ? null : JSON.parse(raw);
      } catch {
        // Not JSON: kept as text so the test can still see it.
      }
      const path = (req.url ?? '/').split('?')[0]!;
      const api = path.endsWith('/messages') ? 'anthropic' : path.endsWith('/responses') ? 'openai' : 'other';
      const request: RecordedRequest = { method: req.method ?? 'GET', path, headers: req.headers, body, api };
      this.requests.push(request);
      const finish = (): void => {
        request.answeredAt = Date.now();
        this.changed.wake();
      };
      this.changed.wake();
      const answered =
        req.method === 'POST' && api === 'anthropic'
          ? this.answerAnthropic(request, res, finish)
          : req.method === 'POST' && api === 'openai'
            ? this.answerOpenAI(request, res, finish)
            : Promise.resolve(this.answerOther(request, res, finish));
      answered.catch((error: unknown) => {
        // A responder that throws is a broken test script: answer 500 so the agent shows it, and keep serving.
        if (!res.headersSent) json(res, 500, { type: 'error', error: { type: 'api_error', message: String(error) } });
        else res.end();
        finish();
      });
    });
  }

  private async answerAnthropic(request: RecordedRequest, res: ServerResponse, finish: () => void): Promise<void> {
    // Claude Code's side requests (a session title, a topic check) carry no tools: they
    // get a plain answer and never consume the test's script.
    const reply = hasTools(request.body) ? await this.reply(request) : { text: 'Mock title' };
    const id = `msg_mock_${++this.calls}`;
    const model = (request.body as { model?: string } | null)?.model ?? 'claude-mock';
    const blocks: object[] = [];
    if (reply.text !== undefined && reply.text !== '') blocks.push({ type: 'text', text: reply.text });
    if ('command' in reply) blocks.push({ type: 'tool_use', id: `${TOOL_CALL_PREFIX.anthropic}${this.calls}`, name: 'Bash', input: { command: reply.command, description: 'Run the command' } });
    const stop = 'command' in reply ? 'tool_use' : 'end_turn';
    const usage = { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    if ((request.body as { stream?: boolean } | null)?.stream !== true) {
      json(res, 200, { id, type: 'message', role: 'assistant', model, content: blocks, stop_reason: stop, stop_sequence: null, usage });
      finish();
      return;
    }
    const events: [string, object][] = [['message_start', { type: 'message_start', message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage } }]];
    blocks.forEach((block, index) => {
      if ('text' in block) {
        events.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }]);
        events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: block.text } }]);
      } else {
        const { input, ...start } = block as { input: object };
        events.push(['content_block_start', { type: 'content_block_start', index, content_block: { ...start, input: {} } }]);
        events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(input) } }]);
      }
      events.push(['content_block_stop', { type: 'content_block_stop', index }]);
    });
    events.push(['message_delta', { type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: 5 } }]);
    events.push(['message_stop', { type: 'message_stop' }]);
    sse(res, events);
    finish();
  }

  private async answerOpenAI(request: RecordedRequest, res: ServerResponse, finish: () => void): Promise<void> {
    // Codex's side requests (a thread title, as JSON) carry no tools: answered without the script.
    const reply = hasTools(request.body) ? await this.reply(request) : { text: JSON.stringify({ title: 'Mock title' }) };
    const n = ++this.calls;
    const responseId = `resp_mock_${n}`;
    const items: object[] = [];
    if (reply.text !== undefined && reply.text !== '') {
      items.push({ type: 'message', id: `msg_mock_${n}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: reply.text, annotations: [] }] });
    }
    if ('command' in reply) {
      const args = codexShellArguments(request.body, reply.command);
      items.push({ type: 'function_call', id: `fc_mock_${n}`, call_id: `${TOOL_CALL_PREFIX.openai}${n}`, name: args.name, arguments: JSON.stringify(args.arguments), status: 'completed' });
    }
    const usage = { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 15 };
    const response = { id: responseId, object: 'response', created_at: Math.floor(Date.now() / 1000), status: 'in_progress', model: 'mock', output: [] as object[] };
    const events: [string, object][] = [['response.created', { type: 'response.created', response }]];
    items.forEach((item, index) => {
      events.push(['response.output_item.added', { type: 'response.output_item.added', output_index: index, item }]);
      if ('content' in item) {
        events.push(['response.output_text.delta', { type: 'response.output_text.delta', item_id: `msg_mock_${n}`, output_index: index, content_index: 0, delta: reply.text }]);
      }
      events.push(['response.output_item.done', { type: 'response.output_item.done', output_index: index, item }]);
    });
    events.push(['response.completed', { type: 'response.completed', response: { ...response, status: 'completed', output: items, usage } }]);
    sse(res, events);
    finish();
  }

  /** Side endpoints the agents call at start: answered so that nothing waits on them. */
  private answerOther(request: RecordedRequest, res: ServerResponse, finish: () => void): void {
    if (request.path.endsWith('/count_tokens')) json(res, 200, { input_tokens: 10 });
    else if (request.path.endsWith('/models')) json(res, 200, { object: 'list', data: [], models: [] });
    else if (request.method === 'HEAD' || request.method === 'GET') json(res, 200, {});
    else json(res, 404, { type: 'error', error: { type: 'not_found_error', message: `no ${request.path} in the mock` } });
    finish();
  }
}

/**
 * The arguments of Codex's shell tool, shaped after the tool the request offers:
 * `shell` takes an argv, `shell_command` / `exec_command` take a command line
 * (Codex 0.171 offers `exec_command`).
 */
function codexShellArguments(body: unknown, command: string): { name: string; arguments: object } {
  const tools = ((body as { tools?: { name?: string; type?: string }[] } | null)?.tools ?? []).map((t) => t.name ?? t.type ?? '');
  if (tools.includes('shell_command')) return { name: 'shell_command', arguments: { command } };
  // Escalation makes Codex ask for approval (its only asking policy is on-request).
  if (tools.includes('exec_command')) return { name: 'exec_command', arguments: { cmd: command, sandbox_permissions: 'require_escalated', justification: 'Run the command' } };
  return { name: 'shell', arguments: { command: ['bash', '-lc', command] } };
}

function hasTools(body: unknown): boolean {
  const tools = (body as { tools?: unknown[] } | null)?.tools;
  return Array.isArray(tools) && tools.length > 0;
}

function json(res: ServerResponse, status: number, value: object): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

function sse(res: ServerResponse, events: [string, object][]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.end(events.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join(''));
}

/** A tool's result as the agent sent it back to the model. */
export interface ToolResult {
  callId: string;
  /** Anthropic's `is_error`; for OpenAI, whether the output reports a failure or a refusal. */
  isError: boolean;
  output: string;
}

type AnthropicBlock = { type: string; text?: string; tool_use_id?: string; is_error?: boolean; content?: unknown };
type AnthropicMessage = { role: string; content: string | AnthropicBlock[] };
type OpenAIItem = { type?: string; role?: string; content?: unknown; call_id?: string; output?: unknown };

function anthropicMessages(request: RecordedRequest): AnthropicMessage[] {
  return (request.body as { messages?: AnthropicMessage[] } | null)?.messages ?? [];
}

function openaiInput(request: RecordedRequest): OpenAIItem[] {
  return (request.body as { input?: OpenAIItem[] } | null)?.input ?? [];
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((c: { text?: string; content?: unknown }) => c.text ?? textOf(c.content)).join('\n');
}

/** Every text the user typed in this request's conversation, oldest first. */
export function userTexts(request: RecordedRequest): string[] {
  if (request.api === 'anthropic') {
    return anthropicMessages(request)
      .filter((m) => m.role === 'user')
      .flatMap((m) => (typeof m.content === 'string' ? [m.content] : m.content.filter((b) => b.type === 'text').map((b) => b.text ?? '')));
  }
  return openaiInput(request)
    .filter((i) => i.role === 'user')
    .map((i) => textOf(i.content));
}

/** The latest user turn of the request: what the agent just sent (text typed, or tool results). */
export function latestUserText(request: RecordedRequest): string {
  if (request.api === 'anthropic') {
    const last = anthropicMessages(request).findLast((m) => m.role === 'user');
    return last === undefined ? '' : textOf(last.content);
  }
  return textOf(openaiInput(request).findLast((i) => i.role === 'user')?.content);
}

/** The tool results the request carries, oldest first. */
export function toolResults(request: RecordedRequest): ToolResult[] {
  if (request.api === 'anthropic') {
    return anthropicMessages(request)
      .filter((m) => m.role === 'user' && typeof m.content !== 'string')
      .flatMap((m) => (m.content as AnthropicBlock[]).filter((b) => b.type === 'tool_result'))
      .map((b) => ({ callId: b.tool_use_id ?? '', isError: b.is_error === true, output: textOf(b.content) }));
  }
  return openaiInput(request)
    .filter((i) => i.type === 'function_call_output')
    .map((i) => {
      const output = typeof i.output === 'string' ? i.output : textOf(i.output);
      return { callId: i.call_id ?? '', isError: /aborted by user|rejected|declined|denied|Process exited with code [1-9]/i.test(output), output };
    });
}

/**
 * What the agent's request answers: tool results when its last turn is only those (a
 * tool ran, or was refused through a hook), else the text the user typed last.
 */
export function latestTurn(request: RecordedRequest): { toolResults: ToolResult[] } | { text: string } {
  if (request.api === 'anthropic') {
    const last = anthropicMessages(request).findLast((m) => m.role === 'user');
    if (last !== undefined && typeof last.content !== 'string' && last.content.length > 0 && last.content.every((b) => b.type === 'tool_result')) {
      const ids = new Set(last.content.map((b) => b.tool_use_id));
      return { toolResults: toolResults(request).filter((r) => ids.has(r.callId)) };
    }
    return { text: latestUserText(request) };
  }
  const input = openaiInput(request);
  if (input.at(-1)?.type === 'function_call_output') {
    const since = input.findLastIndex((i) => i.type !== 'function_call_output' && i.type !== 'function_call');
    const ids = new Set(input.slice(since + 1).map((i) => i.call_id));
    return { toolResults: toolResults(request).filter((r) => ids.has(r.callId)) };
  }
  return { text: latestUserText(request) };
}

/**
 * The model the agent tests talk to: `run: CMD` in the user's message makes it call
 * the shell with CMD (with a short message first, as models do); a tool's result gets
 * "tool finished: ok" (or "refused"); anything else is echoed as "echo: TEXT".
 */
export function scripted(request: RecordedRequest): Reply {
  const turn = latestTurn(request);
  if ('toolResults' in turn) return { text: `tool finished: ${turn.toolResults.map((r) => (r.isError ? 'refused' : 'ok')).join(', ')}` };
  const command = /run: (.+)$/m.exec(turn.text)?.[1];
  if (command !== undefined) return { command, text: 'I will run it.' };
  return { text: `echo: ${turn.text.trim().split('\n').at(-1) ?? ''}` };
}

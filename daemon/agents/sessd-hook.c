/*
 * sessd-hook claude          (the hook's JSON payload on stdin: Claude Code's hooks)
 * sessd-hook codex PAYLOAD   (the JSON payload as the last argument: Codex's notify)
 *
 * Forwards an agent's hook event to the sessd that runs the session: connects to
 * $SESSD_SOCKET, sends `initialize`, then `agent/hook` {session: $SESSD_SESSION,
 * agent, event: PAYLOAD}, waits for the reply and exits 0. The agent runs this inside
 * its own turn, once per event, so it must cost next to nothing: a Node script costs
 * about 115 ms a call, this about a millisecond.
 *
 * Output: nothing, unless the reply's result has an `output` string; that is printed
 * verbatim on stdout for the agent to read (a decision such as a PermissionRequest's
 * `hookSpecificOutput`). The reply is JSON.stringify'd by vscode-jsonrpc, so its
 * result is found as `"result":{"output":"`.
 *
 * Whatever goes wrong (no sessd, a payload that is not JSON, a slow reply) the exit
 * status is 0 and nothing is printed: a missing report must never block or fail the
 * agent; sessd reads the screen as well.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* How long a reply may take: sessd answers a hook in well under a millisecond; past this it is stuck, and the agent must not wait on it. */
#define REPLY_TIMEOUT_MS 5000
/* Largest payload forwarded (a hook's input carries a tool's input, e.g. a file being written). */
#define MAX_PAYLOAD (16 * 1024 * 1024)
/* Largest reply read. */
#define MAX_REPLY (1024 * 1024)

struct buf {
  char *data;
  size_t len, cap;
};

static int put(struct buf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap == 0 ? 4096 : b->cap;
    while (b->len + n + 1 > cap) cap *= 2;
    char *grown = realloc(b->data, cap);
    if (grown == NULL) return -1;
    b->data = grown;
    b->cap = cap;
  }
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
  return 0;
}

static int puts_(struct buf *b, const char *s) { return put(b, s, strlen(s)); }

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Sends one framed JSON-RPC message (header and body in one write). */
static int send_frame(int fd, const char *body, size_t n) {
  char header[64];
  int h = snprintf(header, sizeof header, "Content-Length: %zu\r\n\r\n", n);
  struct buf frame = {0};
  if (put(&frame, header, (size_t)h) != 0 || put(&frame, body, n) != 0) return -1;
  int rc = write_all(fd, frame.data, frame.len);
  free(frame.data);
  return rc;
}

/*
 * Reads frames until the reply with `id` arrives (notifications are skipped); the
 * body is left in `out`. `pending` keeps bytes read past a frame.
 */
static int read_reply(int fd, int id, struct buf *pending, struct buf *out, long long deadline) {
  char want[32];
  snprintf(want, sizeof want, "\"id\":%d", id);
  for (;;) {
    char *end = pending->data == NULL ? NULL : strstr(pending->data, "\r\n\r\n");
    if (end != NULL) {
      char *cl = strcasestr(pending->data, "Content-Length:");
      if (cl == NULL || cl > end) return -1;
      size_t length = strtoul(cl + 15, NULL, 10);
      size_t start = (size_t)(end + 4 - pending->data);
      if (length > MAX_REPLY) return -1;
      if (pending->len >= start + length) {
        out->len = 0;
        if (put(out, pending->data + start, length) != 0) return -1;
        memmove(pending->data, pending->data + start + length, pending->len - start - length);
        pending->len -= start + length;
        pending->data[pending->len] = '\0';
        if (strstr(out->data, want) != NULL) return 0;
        continue;
      }
    }
    long long left = deadline - now_ms();
    if (left <= 0) return -1;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int ready = poll(&p, 1, (int)left);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return -1;
    char chunk[65536];
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    if (pending->len + (size_t)n > MAX_REPLY * 2 || put(pending, chunk, (size_t)n) != 0) return -1;
  }
}

/* Appends `s` as a JSON string literal. */
static int put_json_string(struct buf *b, const char *s) {
  if (puts_(b, "\"") != 0) return -1;
  for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
    char esc[8];
    if (*p == '"' || *p == '\\') {
      esc[0] = '\\';
      esc[1] = (char)*p;
      if (put(b, esc, 2) != 0) return -1;
    } else if (*p < 0x20) {
      snprintf(esc, sizeof esc, "\\u%04x", *p);
      if (puts_(b, esc) != 0) return -1;
    } else if (put(b, (const char *)p, 1) != 0) {
      return -1;
    }
  }
  return puts_(b, "\"");
}

static int hex4(const char *p, unsigned *v) {
  *v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p[i];
    unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16;
    if (d == 16) return -1;
    *v = *v * 16 + d;
  }
  return 0;
}

static void put_utf8(struct buf *b, unsigned cp) {
  char u[4];
  size_t n;
  if (cp < 0x80) u[0] = (char)cp, n = 1;
  else if (cp < 0x800) u[0] = (char)(0xc0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
  else if (cp < 0x10000) u[0] = (char)(0xe0 | cp >> 12), u[1] = (char)(0x80 | ((cp >> 6) & 0x3f)), u[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
  else u[0] = (char)(0xf0 | cp >> 18), u[1] = (char)(0x80 | ((cp >> 12) & 0x3f)), u[2] = (char)(0x80 | ((cp >> 6) & 0x3f)), u[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
  put(b, u, n);
}

/* Decodes the JSON string literal starting after its opening quote at `p`; -1 when malformed. */
static int json_string(const char *p, struct buf *out) {
  while (*p != '"') {
    if (*p == '\0') return -1;
    if (*p != '\\') {
      if (put(out, p++, 1) != 0) return -1;
      continue;
    }
    p++;
    unsigned cp;
    switch (*p) {
      case '"': case '\\': case '/': put(out, p, 1); break;
      case 'b': put(out, "\b", 1); break;
      case 'f': put(out, "\f", 1); break;
      case 'n': put(out, "\n", 1); break;
      case 'r': put(out, "\r", 1); break;
      case 't': put(out, "\t", 1); break;
      case 'u':
        if (hex4(p + 1, &cp) != 0) return -1;
        p += 4;
        if (cp >= 0xd800 && cp < 0xdc00 && p[1] == '\\' && p[2] == 'u') {
          unsigned low;
          if (hex4(p + 3, &low) == 0 && low >= 0xdc00 && low < 0xe000) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
            p += 6;
          }
        }
        put_utf8(out, cp);
        break;
      default: return -1;
    }
    p++;
  }
  return 0;
}

static int forward(const char *agent, const char *payload, size_t payload_len) {
  const char *socket_path = getenv("SESSD_SOCKET");
  const char *session = getenv("SESSD_SESSION");
  if (socket_path == NULL || session == NULL || *session == '\0') return -1;
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(socket_path) >= sizeof addr.sun_path) return -1;
  strcpy(addr.sun_path, socket_path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) return -1;
  long long deadline = now_ms() + REPLY_TIMEOUT_MS;

  static const char init[] =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
      "{\"clientName\":\"sessd-hook\",\"clientVersion\":\"1\",\"protocolVersion\":1}}";
  struct buf pending = {0}, reply = {0}, request = {0};
  if (send_frame(fd, init, sizeof init - 1) != 0 || read_reply(fd, 1, &pending, &reply, deadline) != 0) return -1;
  if (strstr(reply.data, "\"result\"") == NULL) return -1;

  if (puts_(&request, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"agent/hook\",\"params\":{\"session\":") != 0 ||
      put_json_string(&request, session) != 0 || puts_(&request, ",\"agent\":") != 0 || put_json_string(&request, agent) != 0 ||
      puts_(&request, ",\"event\":") != 0 || put(&request, payload, payload_len) != 0 || puts_(&request, "}}") != 0) {
    return -1;
  }
  if (send_frame(fd, request.data, request.len) != 0 || read_reply(fd, 2, &pending, &reply, deadline) != 0) return -1;
  close(fd);

  const char *output = strstr(reply.data, "\"result\":{\"output\":\"");
  if (output == NULL) return 0;
  struct buf text = {0};
  if (json_string(output + strlen("\"result\":{\"output\":\""), &text) != 0 || text.len == 0) return 0;
  write_all(STDOUT_FILENO, text.data, text.len);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "codex") == 0) {
    if (argc < 3) return 0;
    const char *payload = argv[argc - 1];
    forward("codex", payload, strlen(payload));
    return 0;
  }
  if (argc >= 2 && strcmp(argv[1], "claude") == 0) {
    struct buf in = {0};
    char chunk[65536];
    for (;;) {
      ssize_t n = read(STDIN_FILENO, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      if (in.len + (size_t)n > MAX_PAYLOAD || put(&in, chunk, (size_t)n) != 0) return 0;
    }
    // Trailing whitespace (a newline) is fine in JSON; an empty payload is not sent.
    if (in.len > 0) forward("claude", in.data, in.len);
    return 0;
  }
  fputs("usage: sessd-hook claude < PAYLOAD | sessd-hook codex PAYLOAD\n", stderr);
  return 64;
}

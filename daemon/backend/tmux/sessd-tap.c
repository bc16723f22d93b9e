/*
 * sessd-tap SOCKET SESSION PANEPID
 *
 * Runs under tmux's pipe-pane: reads a pane's output on stdin and streams it to
 * sessd's tap socket, so the transcript has every byte without sessd attaching.
 *
 * It never makes tmux wait: stdin is read as soon as it is readable, whatever the
 * socket does. Output is framed into a ring of BUFFER_CAP bytes and kept there until
 * sessd acknowledges that it is stored, so a daemon killed at any moment loses
 * nothing: the next daemon says where its store ends and the tap sends again from
 * there. When the ring is full (sessd away or slow for long), output is dropped and
 * the loss is written into the stream as a gap frame in its place once there is room.
 * Without a connection it retries every RECONNECT_MS.
 *
 * The stream is a sequence of frames; offsets count the stream's bytes from 0:
 *   'D' <u32 length, big-endian> <length bytes of output>
 *   'G' <u64 count, big-endian>                 (count bytes of output were dropped here)
 * tap -> sessd, first:  "sessd-tap 2 SESSION PANEPID TAPID BASE END\n"
 *   TAPID names this tap's stream; [BASE, END) is what the ring still holds.
 * sessd -> tap:  'R' <u64>: send from this offset (once, after the header): what
 *                           sessd has received from this stream, stored or not;
 *                'A' <u64>: everything before this offset is stored.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define BUFFER_CAP (8u << 20)  /* unacknowledged output held: seconds of a busy pane */
#define FRAME_MAX (64u << 10)   /* largest data frame's payload */
#define GAP_FRAME 9
#define DATA_HEADER 5
#define RESUME_ROOM (BUFFER_CAP / 4) /* after dropping, keep output again once this much is free */
#define RECONNECT_MS 250        /* how often to try again while sessd is away */
#define DRAIN_MS 2000           /* after the pane ends, how long to wait for sessd to store the rest */

static unsigned char ring[BUFFER_CAP];
static uint64_t base;    /* oldest offset still held (everything before is acknowledged) */
static uint64_t sent;    /* next offset to write to the socket */
static uint64_t end;     /* offset just past the last frame */
static uint64_t dropped; /* output bytes lost since the last gap frame, not yet in the stream */
static int sock = -1;
static int resumed;      /* sessd said where to send from */
static unsigned char header[600];
static size_t header_len, header_sent;
static unsigned char reply[9];
static size_t reply_len;
static const char *path;
static char session[256];
static char pane_pid[32];
static char tap_id[64];

static long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void put(const unsigned char *data, size_t n) {
    size_t at = (size_t)(end % BUFFER_CAP);
    size_t first = n < BUFFER_CAP - at ? n : BUFFER_CAP - at;
    memcpy(ring + at, data, first);
    memcpy(ring, data + first, n - first);
    end += n;
}

static void put_u64(unsigned char *out, uint64_t v) {
    for (int i = 0; i < 8; i++) out[i] = (unsigned char)(v >> (56 - 8 * i));
}

static uint64_t get_u64(const unsigned char *in) {
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | in[i];
    return v;
}

static size_t room(void) {
    return BUFFER_CAP - (size_t)(end - base);
}

/* Writes the pending gap frame once there is room to keep output again: one gap per stretch of loss. */
static void settle_gap(void) {
    if (dropped == 0 || room() < RESUME_ROOM) return;
    unsigned char frame[GAP_FRAME] = {'G'};
    put_u64(frame + 1, dropped);
    put(frame, GAP_FRAME);
    dropped = 0;
}

static void append(const unsigned char *data, size_t n) {
    settle_gap();
    /* While loss is not yet recorded, later output is lost too: the gap stays in its place. */
    if (dropped > 0 || room() < DATA_HEADER + n + GAP_FRAME) {
        dropped += n;
        return;
    }
    unsigned char head[DATA_HEADER] = {'D', (unsigned char)(n >> 24), (unsigned char)(n >> 16), (unsigned char)(n >> 8), (unsigned char)n};
    put(head, DATA_HEADER);
    put(data, n);
}

static void disconnect(void) {
    if (sock >= 0) close(sock);
    sock = -1;
    resumed = 0;
    sent = base; /* whatever was not acknowledged goes again */
}

static void try_connect(void) {
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof addr.sun_path) return;
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) return;
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        close(fd);
        return;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    sock = fd;
    resumed = 0;
    reply_len = 0;
    header_len = (size_t)snprintf((char *)header, sizeof header, "sessd-tap 2 %s %s %s %llu %llu\n", session, pane_pid, tap_id,
                                  (unsigned long long)base, (unsigned long long)end);
    header_sent = 0;
}

/* Reads sessd's replies; false when the connection is over. */
static int read_replies(void) {
    for (;;) {
        ssize_t r = read(sock, reply + reply_len, sizeof reply - reply_len);
        if (r == 0) return 0;
        if (r < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        reply_len += (size_t)r;
        if (reply_len < sizeof reply) continue;
        uint64_t offset = get_u64(reply + 1);
        reply_len = 0;
        if (reply[0] == 'R' && !resumed) {
            if (offset < base || offset > end) return 0; /* not a point in this stream */
            sent = offset; /* held until acknowledged: sessd may have it only in memory */
            resumed = 1;
        } else if (reply[0] == 'A' && resumed && offset <= sent) {
            if (offset > base) base = offset;
        } else {
            return 0;
        }
    }
}

static void flush_some(void) {
    while (sock >= 0) {
        ssize_t w;
        if (header_sent < header_len) {
            w = write(sock, header + header_sent, header_len - header_sent);
            if (w > 0) header_sent += (size_t)w;
        } else if (resumed && sent < end) {
            size_t at = (size_t)(sent % BUFFER_CAP);
            size_t n = (size_t)(end - sent);
            if (n > BUFFER_CAP - at) n = BUFFER_CAP - at;
            w = write(sock, ring + at, n);
            if (w > 0) sent += (uint64_t)w;
        } else {
            return;
        }
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        if (w < 0 && errno != EINTR) disconnect();
    }
}

int main(int argc, char **argv) {
    if (argc != 4 || strlen(argv[2]) >= sizeof session || strlen(argv[3]) >= sizeof pane_pid) {
        fprintf(stderr, "usage: sessd-tap SOCKET SESSION PANEPID\n");
        return 2;
    }
    path = argv[1];
    strcpy(session, argv[2]);
    strcpy(pane_pid, argv[3]);
    struct timespec started;
    clock_gettime(CLOCK_REALTIME, &started);
    snprintf(tap_id, sizeof tap_id, "%ld.%lld.%ld", (long)getpid(), (long long)started.tv_sec, started.tv_nsec);
    signal(SIGPIPE, SIG_IGN);
    /* tmux ends the pipe with SIGHUP on some paths; the end of stdin says the same. */
    signal(SIGHUP, SIG_IGN);
    try_connect();
    long next_try = now_ms() + RECONNECT_MS;
    long drain_until = -1;
    static unsigned char chunk[FRAME_MAX];
    for (;;) {
        settle_gap();
        int pending = base < end || dropped > 0;
        if (drain_until >= 0 && (!pending || now_ms() >= drain_until)) return 0;
        struct pollfd fds[2];
        int n = 0;
        if (drain_until < 0) fds[n++] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
        int sock_slot = -1;
        if (sock >= 0) {
            int writable = header_sent < header_len || (resumed && sent < end);
            sock_slot = n;
            fds[n++] = (struct pollfd){.fd = sock, .events = (short)(POLLIN | (writable ? POLLOUT : 0))};
        }
        long wait = -1;
        if (sock < 0) wait = next_try - now_ms() > 0 ? next_try - now_ms() : 0;
        if (drain_until >= 0) {
            long left = drain_until - now_ms();
            wait = wait < 0 || left < wait ? (left > 0 ? left : 0) : wait;
        }
        if (poll(fds, (nfds_t)n, (int)wait) < 0 && errno != EINTR) return 1;
        if (drain_until < 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t r = read(STDIN_FILENO, chunk, sizeof chunk);
            if (r > 0) append(chunk, (size_t)r);
            else if (r == 0 || (errno != EINTR && errno != EAGAIN)) drain_until = now_ms() + DRAIN_MS;
        }
        if (sock < 0 && now_ms() >= next_try) {
            try_connect();
            next_try = now_ms() + RECONNECT_MS;
        }
        if (sock_slot >= 0 && sock >= 0 && (fds[sock_slot].revents & (POLLERR | POLLHUP | POLLIN))) {
            if (!read_replies()) disconnect();
        }
        flush_some();
    }
}

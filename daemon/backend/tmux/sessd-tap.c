/*
 * sessd-tap SOCKET SESSION PANEPID
 *
 * Runs under tmux's pipe-pane: reads a pane's output on stdin and streams it to
 * sessd's tap socket, so the transcript has every byte without sessd attaching.
 *
 * It batches, so that it and sessd wake a few hundred times a second at most while
 * a pane streams, not once per write of tmux's (about 4 KiB each): output is left
 * where tmux put it until BATCH_BYTES wait or BATCH_MS have passed since the first of
 * it, and is then read straight into the ring in reads of up to READ_MAX, each one
 * data frame, and written to the socket as one piece. tmux 3.x hands the tap a
 * socketpair, whose send buffer (tmux's side, ~200 KiB by default) holds a few ms of
 * a pane at full speed; a pipe (other versions) is enlarged to PIPE_BYTES, or read
 * sooner if it cannot be. Reading less often does not help tmux: measured here, a
 * reader every 1-4 ms costs tmux the least, one every 20-50 ms more (it then buffers
 * and writes large pieces itself).
 *
 * Output is kept in a ring of BUFFER_CAP bytes until sessd acknowledges that it is
 * stored, so a daemon killed at any moment loses nothing: the next daemon says where
 * its store ends and the tap sends again from there. When the ring is full while
 * sessd is connected and taking what is sent (it is only slow to store it), the tap
 * stops reading (tmux holds the rest) for up to STALL_MS; when it is full and sessd
 * is away, has taken nothing for READ_STALL_MS (stopped, wedged), or stalls longer,
 * output is dropped and the loss is written into the stream as a gap frame in its
 * place once there is room: the pane is never held up, and tmux never holds much.
 * Without a connection it retries every RECONNECT_MS for the first RECONNECT_FAST_MS
 * (a daemon restart), then twice as long each time up to RECONNECT_MAX_MS, each wait
 * drawn from 75-125 % of its length: a tap per pane, thousands of them retrying every
 * 250 ms in step while sessd was away kept two cores busy (2,500 taps: 90 % CPU, most
 * of it the kernel's), and a sessd starting among them took seconds longer to start.
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
#define _GNU_SOURCE /* F_SETPIPE_SZ */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define BUFFER_CAP (8u << 20)   /* unacknowledged output held: ~0.2 s of a pane at full speed, ten times sessd's commit interval */
#define READ_MAX (512u << 10)   /* largest read, so largest data frame's payload (sessd takes up to 1 MiB) */
#define PIPE_BYTES (1 << 20)    /* a pipe from tmux: ~20 ms of a pane at full speed (the unprivileged maximum by default) */
#define BATCH_BYTES (64u << 10) /* read at once when this much waits in the pipe */
#define BATCH_MS 2              /* otherwise read this long after output first waits: what a transcript reader may lag */
#define SMALL_PIPE_BATCH_MS 1   /* the same from a pipe that could not be enlarged (64 KiB): it must not fill meanwhile */
#define STALL_MS 1000           /* ring full and sessd connected but acknowledging nothing this long: drop rather than let tmux hold more */
#define READ_STALL_MS 100       /* ring full with output unsent, and sessd took none of it this long: it is not reading (stopped): drop */
#define GAP_FRAME 9
#define DATA_HEADER 5
#define RESUME_ROOM (BUFFER_CAP / 4) /* after dropping, keep output again once this much is free */
#define RECONNECT_MS 250        /* how often to try again just after sessd went away */
#define RECONNECT_FAST_MS 1000  /* for this long; then the wait doubles */
#define RECONNECT_MAX_MS 4000   /* up to this */
#define DRAIN_MS 2000           /* after the pane ends, how long to wait for sessd to store the rest */
#define SOCKET_BUFFER (1 << 20) /* asked for the socket's send buffer (the kernel may cap it) */

static unsigned char ring[BUFFER_CAP];
static unsigned char scratch[READ_MAX]; /* output read only to be dropped */
static uint64_t base;    /* oldest offset still held (everything before is acknowledged) */
static uint64_t sent;    /* next offset to write to the socket */
static uint64_t end;     /* offset just past the last frame */
static uint64_t dropped; /* output bytes lost since the last gap frame, not yet in the stream */
static int sock = -1;
static int resumed;      /* sessd said where to send from */
static long full_since = -1; /* when the ring was first found full while sessd was connected (-1: it is not) */
static long last_taken;      /* when sessd last took bytes from the socket (or connected) */
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

/* Copies `n` bytes into the ring at stream offset `at` (the ring wraps). */
static void put_at(uint64_t at, const unsigned char *data, size_t n) {
    size_t i = (size_t)(at % BUFFER_CAP);
    size_t first = n < BUFFER_CAP - i ? n : BUFFER_CAP - i;
    memcpy(ring + i, data, first);
    memcpy(ring, data + first, n - first);
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
    put_at(end, frame, GAP_FRAME);
    end += GAP_FRAME;
    dropped = 0;
}

/* When holding output back (ring full, sessd connected) stops: the earlier of the two stalls. */
static long hold_until(void) {
    long until = full_since + STALL_MS;
    if (sent < end && last_taken + READ_STALL_MS < until) until = last_taken + READ_STALL_MS;
    return until;
}

/* Whether output is left where tmux put it because the ring is full and sessd, connected, is not stalled. */
static int holding(long now) {
    return full_since >= 0 && sock >= 0 && resumed && now < hold_until();
}

/*
 * Reads what waits on stdin into the ring, one data frame per read, straight after
 * its header. When the ring has no room: holds off (returns 1, stdin unread) while
 * sessd is connected and not stalled; otherwise reads to drop. Returns 0 at the end of
 * stdin, 1 otherwise.
 */
static int take_input(void) {
    for (;;) {
        settle_gap();
        size_t space = room();
        int keep = dropped == 0 && space >= DATA_HEADER + 1 + GAP_FRAME;
        if (!keep && dropped == 0 && sock >= 0 && resumed) {
            long now = now_ms();
            if (full_since < 0) full_since = now;
            if (holding(now)) return 1;
        }
        if (!keep) full_since = -1; /* dropping now, until there is room again */
        ssize_t r;
        if (keep) {
            full_since = -1;
            uint64_t data_at = end + DATA_HEADER;
            size_t at = (size_t)(data_at % BUFFER_CAP);
            size_t n = space - DATA_HEADER - GAP_FRAME; /* a gap frame always fits after it */
            if (n > BUFFER_CAP - at) n = BUFFER_CAP - at;
            if (n > READ_MAX) n = READ_MAX;
            r = read(STDIN_FILENO, ring + at, n);
            if (r > 0) {
                unsigned char head[DATA_HEADER] = {'D', (unsigned char)(r >> 24), (unsigned char)(r >> 16), (unsigned char)(r >> 8), (unsigned char)r};
                put_at(end, head, DATA_HEADER);
                end = data_at + (uint64_t)r;
            }
        } else {
            /* While loss is not yet recorded, later output is lost too: the gap stays in its place. */
            r = read(STDIN_FILENO, scratch, sizeof scratch);
            if (r > 0) dropped += (uint64_t)r;
        }
        if (r == 0) return 0;
        if (r < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    }
}

static void disconnect(void) {
    full_since = -1;
    if (sock >= 0) close(sock);
    sock = -1;
    resumed = 0;
    sent = base; /* whatever was not acknowledged goes again */
}

static long away_since = -1; /* when a try to connect first failed since the last connection (-1: connected, or none tried) */
static long reconnect_wait = RECONNECT_MS;

/* How long to wait before the next try, after one that failed at `now`. */
static long next_reconnect_wait(long now) {
    if (away_since < 0) away_since = now;
    if (now - away_since < RECONNECT_FAST_MS) reconnect_wait = RECONNECT_MS;
    else reconnect_wait = reconnect_wait * 2 > RECONNECT_MAX_MS ? RECONNECT_MAX_MS : reconnect_wait * 2;
    return reconnect_wait * 3 / 4 + random() % (reconnect_wait / 2 + 1);
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
    int size = SOCKET_BUFFER;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size); /* a smaller buffer only means more, smaller writes */
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    sock = fd;
    away_since = -1;
    last_taken = now_ms();
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
            if (offset > base) {
                base = offset;
                full_since = -1;
            }
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
            if (w > 0) {
                sent += (uint64_t)w;
                last_taken = now_ms();
            }
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
    /* A pipe that cannot be enlarged (a lowered pipe-max-size) is read sooner instead. */
    struct stat in;
    int small_pipe = fstat(STDIN_FILENO, &in) == 0 && S_ISFIFO(in.st_mode) && fcntl(STDIN_FILENO, F_SETPIPE_SZ, PIPE_BYTES) < PIPE_BYTES;
    int batch_ms = small_pipe ? SMALL_PIPE_BATCH_MS : BATCH_MS;
    fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);
    srandom((unsigned)getpid() ^ (unsigned)started.tv_nsec);
    try_connect();
    long next_try = now_ms() + (sock < 0 ? next_reconnect_wait(now_ms()) : RECONNECT_MS);
    long drain_until = -1;
    long waiting_since = -1; /* when output was first seen waiting in the pipe, not read yet (-1: none) */
    for (;;) {
        settle_gap();
        long now = now_ms();
        int pending = base < end || dropped > 0;
        if (drain_until >= 0 && (!pending || now >= drain_until)) return 0;
        /* Output waits in the pipe until its batch is due; held back, the ring has no room for it yet. */
        int held_back = holding(now);
        int batch_due = waiting_since >= 0 && now - waiting_since >= batch_ms;
        struct pollfd fds[2];
        int n = 0;
        int stdin_slot = -1;
        if (drain_until < 0 && waiting_since < 0 && !held_back) {
            stdin_slot = n;
            fds[n++] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
        }
        int sock_slot = -1;
        if (sock >= 0) {
            int writable = header_sent < header_len || (resumed && sent < end);
            sock_slot = n;
            fds[n++] = (struct pollfd){.fd = sock, .events = (short)(POLLIN | (writable ? POLLOUT : 0))};
        }
        long wait = -1;
        if (sock < 0) wait = next_try - now > 0 ? next_try - now : 0;
        long until = -1; /* the next deadline of a batch, a stall or a drain */
        if (waiting_since >= 0) until = waiting_since + batch_ms;
        if (held_back) until = until < 0 || hold_until() < until ? hold_until() : until;
        if (drain_until >= 0) until = until < 0 || drain_until < until ? drain_until : until;
        if (until >= 0) {
            long left = until - now > 0 ? until - now : 0;
            wait = wait < 0 || left < wait ? left : wait;
        }
        if (batch_due) wait = 0;
        if (poll(fds, (nfds_t)n, (int)wait) < 0 && errno != EINTR) return 1;
        now = now_ms();
        if (stdin_slot >= 0 && (fds[stdin_slot].revents & (POLLIN | POLLHUP | POLLERR))) {
            int queued = 0;
            /* A hang-up is read at once: it ends the stream. */
            if ((fds[stdin_slot].revents & POLLIN) && !(fds[stdin_slot].revents & POLLHUP) && ioctl(STDIN_FILENO, FIONREAD, &queued) == 0 &&
                (size_t)queued < BATCH_BYTES)
                waiting_since = now;
            else
                batch_due = 1;
        }
        if (drain_until < 0 && (batch_due || (waiting_since >= 0 && now - waiting_since >= batch_ms) || (held_back && !holding(now)))) {
            waiting_since = -1;
            if (!take_input()) drain_until = now_ms() + DRAIN_MS;
        }
        if (sock < 0 && now >= next_try) {
            try_connect();
            /* Also after a success: a sessd that closes at once (refusing the tap) is not retried in a loop. */
            next_try = now_ms() + (sock < 0 ? next_reconnect_wait(now_ms()) : RECONNECT_MS);
        }
        if (sock_slot >= 0 && sock >= 0 && (fds[sock_slot].revents & (POLLERR | POLLHUP | POLLIN))) {
            if (!read_replies()) disconnect();
        }
        flush_some();
    }
}

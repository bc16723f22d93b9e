/*
 * sessd-pane [--preface FILE] [--rlimit NAME=N]... [--report SOCKET] [--program NAME] PROGRAM [ARG]...
 *
 * The process tmux starts in a sessd pane. It runs PROGRAM as the terminal's
 * foreground job in a process group of its own, as a shell runs a command, waits for
 * it, and then ends the way PROGRAM ended (same exit status, or the same signal), so
 * tmux records the program's own death.
 *
 * Why: tmux continues any pane process that stops (server_child_stopped sends it
 * SIGCONT), so a program that is the pane process itself cannot be paused. One level
 * down, in its own process group, SIGSTOP holds until sessd sends SIGCONT.
 *
 * With --preface, FILE is written to the terminal first (a restored session's saved
 * scrollback, shown above the new program's output) and then removed.
 *
 * With --rlimit (NAME: nofile, as or cpu), the limit (soft and hard) is set on this
 * process before it forks, so the program has it from its first instruction: a
 * program whose pid sessd reports already runs under its limits (with prlimit in
 * between, there was a moment when it did not).
 *
 * With --report, once PROGRAM was exec'd (or could not be), one line goes to the Unix
 * stream socket SOCKET: "<this pid> <program pid> <errno>\n" (errno 0: it runs). sessd
 * learns the program's pid and an exec failure from it, without polling /proc or
 * searching PATH itself. Nobody listening is not an error: the program runs anyway.
 *
 * With --program, NAME (the program behind a wrapper such as systemd-run, which PROGRAM
 * then is) must resolve as execvp would resolve it, or this process reports ENOENT and
 * ends with status 127 without running anything.
 *
 * Signals that reach this process (tmux's SIGHUP when the pane goes, sessd's SIGTERM)
 * are passed on to the program's process group, followed by SIGCONT. Terminal-generated
 * signals (Ctrl-C, window size changes) go to the foreground group, the program, directly.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile pid_t child = -1;

/* Passes a signal on, then continues the program: a paused program could not act on
 * it, and would outlive its pane (shells do the same for stopped jobs on hangup). */
static void forward(int sig) {
    if (child > 0) {
        kill(-child, sig);
        kill(-child, SIGCONT);
    }
}

static void preface(const char *file) {
    FILE *f = fopen(file, "rb");
    if (f == NULL) return; /* nothing to show is not a reason not to run the program */
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        size_t off = 0;
        while (off < n) {
            ssize_t w = write(STDOUT_FILENO, buf + off, n - off);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) break;
            off += (size_t)w;
        }
    }
    fclose(f);
    unlink(file);
}

/* Sets one "NAME=N" limit, soft and hard; 0 when done. */
static int set_limit(const char *spec) {
    static const struct { const char *name; int resource; } names[] = {
        {"nofile", RLIMIT_NOFILE}, {"as", RLIMIT_AS}, {"cpu", RLIMIT_CPU},
    };
    const char *eq = strchr(spec, '=');
    if (eq == NULL) return -1;
    char *end;
    errno = 0;
    unsigned long long value = strtoull(eq + 1, &end, 10);
    if (errno != 0 || *end != '\0' || end == eq + 1) return -1;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strlen(names[i].name) == (size_t)(eq - spec) && strncmp(spec, names[i].name, (size_t)(eq - spec)) == 0) {
            struct rlimit limit = {(rlim_t)value, (rlim_t)value};
            return setrlimit(names[i].resource, &limit);
        }
    }
    return -1;
}

/* Sends "<this pid> <program pid> <errno>\n" to the Unix socket at `path`; best effort. */
static void report(const char *path, pid_t program, int err) {
    if (path == NULL) return;
    struct sockaddr_un addr;
    if (strlen(path) >= sizeof addr.sun_path) return;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return;
    char line[64];
    int n = snprintf(line, sizeof line, "%ld %ld %d\n", (long)getpid(), (long)program, err);
    /* A daemon that is gone refuses at once; a busy one has the line in its socket buffer. */
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0) {
        ssize_t w;
        do w = write(fd, line, (size_t)n); while (w < 0 && errno == EINTR);
    }
    close(fd);
}

static int executable(const char *path) {
    struct stat st;
    return access(path, X_OK) == 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Whether `name` resolves as execvp would find it (a name with a slash is taken as a path). */
static int resolves(const char *name) {
    if (strchr(name, '/') != NULL) return executable(name);
    const char *path = getenv("PATH");
    if (path == NULL) path = "/usr/bin:/bin";
    char buf[4096];
    while (*path != '\0') {
        const char *end = strchr(path, ':');
        size_t len = end == NULL ? strlen(path) : (size_t)(end - path);
        if (len > 0 && len + 1 + strlen(name) < sizeof buf) {
            memcpy(buf, path, len);
            buf[len] = '/';
            strcpy(buf + len + 1, name);
            if (executable(buf)) return 1;
        }
        if (end == NULL) break;
        path = end + 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    const char *report_to = NULL;
    for (;;) {
        if (argc >= 3 && strcmp(argv[1], "--report") == 0) {
            report_to = argv[2];
        } else if (argc >= 3 && strcmp(argv[1], "--program") == 0) {
            if (!resolves(argv[2])) {
                fprintf(stderr, "sessd-pane: cannot run %s: %s\n", argv[2], strerror(ENOENT));
                report(report_to, 0, ENOENT);
                return 127;
            }
        } else if (argc >= 3 && strcmp(argv[1], "--preface") == 0) {
            preface(argv[2]);
        } else if (argc >= 3 && strcmp(argv[1], "--rlimit") == 0) {
            if (set_limit(argv[2]) != 0) {
                fprintf(stderr, "sessd-pane: cannot set the limit %s: %s\n", argv[2], errno != 0 ? strerror(errno) : "not NAME=N");
                return 126;
            }
        } else {
            break;
        }
        argv += 2;
        argc -= 2;
    }
    if (argc < 2) {
        fprintf(stderr, "usage: sessd-pane [--preface FILE] [--rlimit NAME=N]... [--report SOCKET] [--program NAME] PROGRAM [ARG]...\n");
        return 2;
    }
    int tty = isatty(STDIN_FILENO);
    /* Handing the terminal to the child's group from ours must not stop us. */
    signal(SIGTTOU, SIG_IGN);

    /*
     * The handlers are installed before fork() with the forwarded signals blocked, and
     * unblocked once `child` is known. Installed after fork(), a SIGHUP or SIGTERM that
     * arrived in between would kill this process by its default action and leave the
     * program, in a process group of its own, running without its pane; a handler
     * running before `child` is set would drop the signal. Blocked, it is held and
     * passed on as soon as there is a program to pass it to.
     */
    int forwarded[] = {SIGHUP, SIGTERM, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2};
    enum { FORWARDED = sizeof forwarded / sizeof forwarded[0] };
    sigset_t held, unheld;
    sigemptyset(&held);
    for (size_t i = 0; i < FORWARDED; i++) sigaddset(&held, forwarded[i]);
    sigprocmask(SIG_BLOCK, &held, &unheld);
    struct sigaction sa, inherited[FORWARDED];
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = forward;
    sa.sa_mask = held;
    for (size_t i = 0; i < FORWARDED; i++) sigaction(forwarded[i], &sa, &inherited[i]);

    /* Closed by a successful exec: end of file says the program runs, 4 bytes say why it does not. */
    int execpipe[2] = {-1, -1};
    if (report_to != NULL && pipe(execpipe) == 0) {
        fcntl(execpipe[0], F_SETFD, FD_CLOEXEC);
        fcntl(execpipe[1], F_SETFD, FD_CLOEXEC);
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("sessd-pane: fork");
        report(report_to, 0, errno);
        return 127;
    }
    if (pid == 0) {
        /* The program gets the dispositions and the mask this process was started with. */
        for (size_t i = 0; i < FORWARDED; i++) sigaction(forwarded[i], &inherited[i], NULL);
        sigprocmask(SIG_SETMASK, &unheld, NULL);
        setpgid(0, 0);
        if (tty) tcsetpgrp(STDIN_FILENO, getpid());
        signal(SIGTTOU, SIG_DFL);
        execvp(argv[1], argv + 1);
        int err = errno;
        if (execpipe[1] >= 0) {
            ssize_t w;
            do w = write(execpipe[1], &err, sizeof err); while (w < 0 && errno == EINTR);
        }
        fprintf(stderr, "sessd-pane: cannot run %s: %s\n", argv[1], strerror(err));
        _exit(err == ENOENT ? 127 : 126);
    }
    child = pid;
    /* Both sides set the group and the terminal, so neither order of running loses. */
    setpgid(pid, pid);
    if (tty) tcsetpgrp(STDIN_FILENO, pid);
    /* A signal held since before fork() is delivered here, and reaches the program. */
    sigprocmask(SIG_SETMASK, &unheld, NULL);
    if (execpipe[0] >= 0) {
        close(execpipe[1]);
        int err = 0;
        ssize_t r;
        do r = read(execpipe[0], &err, sizeof err); while (r < 0 && errno == EINTR);
        close(execpipe[0]);
        report(report_to, pid, r == (ssize_t)sizeof err ? err : 0);
    }

    int status;
    for (;;) {
        pid_t done = waitpid(pid, &status, 0);
        if (done == pid) break;
        if (done < 0 && errno != EINTR) {
            perror("sessd-pane: waitpid");
            return 127;
        }
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        /* Die of the same signal, without a core file of our own. */
        struct rlimit none = {0, 0};
        setrlimit(RLIMIT_CORE, &none);
        signal(sig, SIG_DFL);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, sig);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        kill(getpid(), sig);
    }
    return 128;
}

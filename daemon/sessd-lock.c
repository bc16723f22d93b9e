/*
 * sessd-lock FILE...
 *
 * Holds sessd's process locks: an exclusive flock(2) on each FILE, for as long as its
 * standard input stays open. sessd runs it with a pipe as stdin that nothing else
 * holds (Node opens its pipes close-on-exec, so neither the tmux server nor a pane
 * inherits it), so the locks go when sessd goes, however it ends: at sessd's exit or
 * `kill -9` the pipe's only writer closes, read() sees end of file, this program exits
 * and the kernel drops the locks. A lock on a file, unlike a name in the abstract
 * socket namespace, has permissions (the files are 0600 in sessd's own directories),
 * cannot be flooded with connections, and holds across network namespaces.
 *
 * Each FILE is opened without following a symlink and must be a regular file owned by
 * this user, or it is refused: whoever could create it could also hold it.
 *
 * One line on stdout tells the outcome (N: the FILE's position, from 0):
 *   locked               every lock is held, until stdin closes
 *   busy N PID           another process holds FILE N (PID: the pid it wrote, 0 if unknown)
 *   refused N REASON     FILE N cannot be trusted
 *   error N REASON       FILE N could not be opened or locked
 * Exit status: 0 after stdin closed, 1 busy, 2 refused or error, 64 usage.
 *
 * When the pid written in a busy lock file is no longer alive, its sessd died and its
 * sessd-lock is about to exit: the lock is waited for, up to ORPHAN_GRACE_S.
 *
 * The terminal's and the service manager's stop signals (SIGINT, SIGTERM, SIGHUP,
 * SIGQUIT) are ignored: sessd stops on them and releases the locks when it is done,
 * and until then no second sessd may start. On Linux, the parent's death is also
 * delivered as SIGKILL (PR_SET_PDEATHSIG), in case stdin was passed on by mistake.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

static void say(const char *line) {
  fputs(line, stdout);
  fflush(stdout);
}

/* The pid the holder wrote into the file, or 0. */
static long holder_pid(int fd) {
  char buf[32];
  ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return 0;
  buf[n] = '\0';
  return strtol(buf, NULL, 10);
}

/*
 * A lock whose sessd has died is released a moment later, when its sessd-lock sees
 * the end of its stdin: a sessd restarted at once (by systemd, or after `kill -9`)
 * waits up to this long for that instead of being refused.
 */
#define ORPHAN_GRACE_S 3

/* True when the pid written in the lock file names no live process. */
static int orphaned(int fd) {
  long pid = holder_pid(fd);
  return pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

static void on_alarm(int sig) { (void)sig; }

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs("usage: sessd-lock FILE...\n", stderr);
    return 64;
  }
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGQUIT, SIG_IGN);
  signal(SIGPIPE, SIG_IGN);
  struct sigaction alarm_action;
  memset(&alarm_action, 0, sizeof alarm_action);
  alarm_action.sa_handler = on_alarm; /* no SA_RESTART: the alarm ends a blocking flock() */
  sigaction(SIGALRM, &alarm_action, NULL);
  pid_t parent = getppid();
#ifdef __linux__
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) return 2; /* the parent died before the line above */
#endif
  if (chdir("/") != 0) { /* keep no directory busy; not fatal */ }

  char line[600];
  for (int i = 1; i < argc; i++) {
    int n = i - 1;
    int fd = open(argv[i], O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0600);
    if (fd < 0) {
      snprintf(line, sizeof line, "%s %d %s\n", errno == ELOOP ? "refused" : "error", n,
               errno == ELOOP ? "it is a symbolic link" : strerror(errno));
      say(line);
      return 2;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
      snprintf(line, sizeof line, "error %d %s\n", n, strerror(errno));
      say(line);
      return 2;
    }
    if (!S_ISREG(st.st_mode)) {
      snprintf(line, sizeof line, "refused %d it is not a regular file\n", n);
      say(line);
      return 2;
    }
    if (st.st_uid != geteuid()) {
      snprintf(line, sizeof line, "refused %d it is owned by uid %ld, not by you (uid %ld)\n", n, (long)st.st_uid, (long)geteuid());
      say(line);
      return 2;
    }
    int r;
    while ((r = flock(fd, LOCK_EX | LOCK_NB)) != 0 && errno == EINTR) {}
    if (r != 0 && errno == EWOULDBLOCK && orphaned(fd)) {
      /* The holder's sessd is gone and the holder is on its way out: wait for it. */
      alarm(ORPHAN_GRACE_S);
      r = flock(fd, LOCK_EX); /* SIGALRM interrupts it: EINTR, reported as busy below */
      alarm(0);
      if (r != 0 && errno == EINTR) errno = EWOULDBLOCK;
    }
    if (r != 0) {
      int busy = errno == EWOULDBLOCK;
      if (busy) snprintf(line, sizeof line, "busy %d %ld\n", n, holder_pid(fd));
      else snprintf(line, sizeof line, "error %d %s\n", n, strerror(errno));
      say(line);
      return busy ? 1 : 2;
    }
    /* Who holds it, for the message of the one that finds it busy. */
    char pid[32];
    int len = snprintf(pid, sizeof pid, "%ld\n", (long)parent);
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)len, 0) != len) { /* only a diagnostic */ }
    /* fd stays open (and locked) until this process exits. */
  }
  say("locked\n");

  char buf[256];
  for (;;) {
    ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
    if (n > 0) continue;
    if (n < 0 && errno == EINTR) continue;
    break;
  }
  return 0;
}

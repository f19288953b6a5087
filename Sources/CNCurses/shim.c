#include "cncurses.h"
#include <ncursesw/curses.h>
#include <ncursesw/term.h>
#include <locale.h>
#include <langinfo.h>
#include <string.h>
#include <signal.h>
#include <pthread.h>
#include <unistd.h>
#include <stdio.h>
#include <errno.h>

static SCREEN *floor_screen = NULL;
static volatile sig_atomic_t floor_signal = 0;
static int floor_wake_fd = -1;

int floor_setlocale_utf8(void) {
    if (setlocale(LC_ALL, "") == NULL) setlocale(LC_ALL, "C.UTF-8");
    const char *cs = nl_langinfo(CODESET);
    if (cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0)) return 1;
    // A C/POSIX locale on a UTF-8 terminal: prefer C.UTF-8 when it exists.
    if (setlocale(LC_CTYPE, "C.UTF-8") != NULL) {
        cs = nl_langinfo(CODESET);
        if (cs && strcmp(cs, "UTF-8") == 0) return 1;
    }
    return 0;
}

int floor_term_usable(const char *term) {
    int err = 0;
    // setupterm with an error pointer reports instead of exiting.
    if (setupterm((char *)term, 1, &err) != OK) return err == -1 ? -1 : 0;
    del_curterm(cur_term);
    return 1;
}

int floor_start(int escdelay_ms) {
    if (floor_screen) return 0;
    floor_screen = newterm(NULL, stdout, stdin);
    if (!floor_screen) return -1;
    set_term(floor_screen);
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(escdelay_ms);
    curs_set(0);
    if (has_colors()) { start_color(); use_default_colors(); }
    leaveok(stdscr, TRUE);
    return 0;
}

void floor_stop(void) {
    if (!floor_screen) return;
    curs_set(1);
    endwin();
    delscreen(floor_screen);
    floor_screen = NULL;
}

int floor_colors(void) {
    if (!floor_screen || !has_colors()) return 0;
    return COLORS >= 256 ? 256 : (COLORS >= 8 ? 8 : 0);
}
void floor_init_pair(short pair, short fg, short bg) { init_pair(pair, fg, bg); }
int floor_lines(void) { int y, x; getmaxyx(stdscr, y, x); (void)x; return y; }
int floor_cols(void) { int y, x; getmaxyx(stdscr, y, x); (void)y; return x; }
unsigned int floor_attr_bold(void) { return A_BOLD; }
unsigned int floor_attr_reverse(void) { return A_REVERSE; }
unsigned int floor_attr_underline(void) { return A_UNDERLINE; }
unsigned int floor_attr_dim(void) { return A_DIM; }
unsigned int floor_color_pair(int pair) { return COLOR_PAIR(pair); }

void floor_put(int y, int x, const wchar_t *text, int n, unsigned int attr) {
    attrset(attr);
    mvaddnwstr(y, x, text, n);
}
void floor_clear(void) { clearok(stdscr, TRUE); }
void floor_refresh(void) { refresh(); }

// One byte of input, or one key code (arrows, F-keys, resize). Bytes, not wide characters:
// wget_wch answers ERR for a byte that is not UTF-8 or a character split across two reads, and
// loses it; the caller decodes UTF-8 itself (ScannerInput's UTF8Keys) and keeps every byte.
int floor_read_key(int *ch) {
    int r = wgetch(stdscr);
    if (r == ERR) return -1;
    *ch = r;
    return r >= KEY_MIN ? 1 : 0;
}

int floor_key_f(int n) { return KEY_F(n); }
int floor_key_code(const char *name) {
    if (!strcmp(name, "up")) return KEY_UP;
    if (!strcmp(name, "down")) return KEY_DOWN;
    if (!strcmp(name, "left")) return KEY_LEFT;
    if (!strcmp(name, "right")) return KEY_RIGHT;
    if (!strcmp(name, "home")) return KEY_HOME;
    if (!strcmp(name, "end")) return KEY_END;
    if (!strcmp(name, "ppage")) return KEY_PPAGE;
    if (!strcmp(name, "npage")) return KEY_NPAGE;
    if (!strcmp(name, "backspace")) return KEY_BACKSPACE;
    if (!strcmp(name, "dc")) return KEY_DC;
    if (!strcmp(name, "ic")) return KEY_IC;
    if (!strcmp(name, "enter")) return KEY_ENTER;
    if (!strcmp(name, "resize")) return KEY_RESIZE;
    if (!strcmp(name, "btab")) return KEY_BTAB;
    return -1;
}

static void floor_on_signal(int sig) {
    floor_signal = sig;
    if (floor_wake_fd >= 0) { int saved = errno; ssize_t r = write(floor_wake_fd, "s", 1); (void)r; errno = saved; }
}

// ncurses' own SIGWINCH handler (installed by initscr), which ours chains to.
static struct sigaction floor_ncurses_winch;

// A resize: let ncurses note it, and wake the loop. With threads besides the terminal's (Swift's
// concurrency pool, the replication client), the signal may land on another thread, so the
// terminal thread's poll() is not interrupted: the wake pipe is what makes the resize seen.
static void floor_on_winch(int sig) {
    int saved = errno;
    if (floor_ncurses_winch.sa_handler != SIG_DFL && floor_ncurses_winch.sa_handler != SIG_IGN
        && floor_ncurses_winch.sa_handler != NULL) {
        if (floor_ncurses_winch.sa_flags & SA_SIGINFO) floor_ncurses_winch.sa_sigaction(sig, NULL, NULL);
        else floor_ncurses_winch.sa_handler(sig);
    }
    if (floor_wake_fd >= 0) { ssize_t r = write(floor_wake_fd, "w", 1); (void)r; }
    errno = saved;
}

void floor_install_signals(int wake_fd) {
    floor_wake_fd = wake_fd;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = floor_on_signal;
    sigemptyset(&sa.sa_mask);
    int sigs[] = { SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGPIPE };
    sigset_t unblock;
    sigemptyset(&unblock);
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) { sigaction(sigs[i], &sa, NULL); sigaddset(&unblock, sigs[i]); }
    // A parent may have started us with these blocked (some test runners and service managers do):
    // unblock them on this thread, the one that owns the terminal, so a stop request always lands.
    sigaddset(&unblock, SIGWINCH);   // ncurses' resize handler, chained by ours
    struct sigaction current;
    sigaction(SIGWINCH, NULL, &current);
    if (current.sa_handler != floor_on_winch) {   // installed once, or it would chain to itself
        struct sigaction winch;
        memset(&winch, 0, sizeof winch);
        winch.sa_handler = floor_on_winch;
        sigemptyset(&winch.sa_mask);
        winch.sa_flags = SA_RESTART;
        sigaction(SIGWINCH, &winch, &floor_ncurses_winch);
    }
    pthread_sigmask(SIG_UNBLOCK, &unblock, NULL);
}

int floor_stop_signal(void) { return floor_signal; }

#ifdef __linux__
#include <sys/inotify.h>
int floor_watch_dir(const char *dir) {
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) return -1;
    if (inotify_add_watch(fd, dir, IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE) < 0) { close(fd); return -1; }
    return fd;
}
#else
int floor_watch_dir(const char *dir) { (void)dir; return -1; }
#endif

int floor_drain(int fd) {
    char buf[4096];
    int total = 0;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) break;
        total += (int)n;
    }
    return total;
}

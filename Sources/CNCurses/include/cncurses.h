// The ncursesw surface Floor uses. Swift 6 cannot see C globals that are macros or mutable
// globals (stdscr, LINES, COLS), nor function-like macros (COLOR_PAIR, KEY_F, getmaxyx): each
// wrapper below exists for one of those reasons. Nothing else of ncurses leaks into Swift.
#ifndef FLOOR_CNCURSES_H
#define FLOOR_CNCURSES_H

#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
/// An inotify descriptor watching `dir` for writes (the store's database and WAL), non-blocking;
/// -1 when the platform has no inotify (the caller then polls).
int floor_watch_dir(const char *dir);
/// Reads and discards pending inotify events; returns how many bytes were drained.
int floor_drain(int fd);

#endif
#include <wchar.h>
#include <stddef.h>

/// Sets LC_ALL from the environment; returns 1 when the codeset is UTF-8.
int floor_setlocale_utf8(void);
/// Checks TERM against terminfo without letting ncurses exit: 1 usable, 0 unknown, -1 no database.
int floor_term_usable(const char *term);
/// newterm on stdin/stdout with raw, noecho, nonl, keypad, short ESC delay, hidden cursor.
/// Returns 0 on success, -1 when the terminal cannot be set up.
int floor_start(int escdelay_ms);
/// endwin if started; safe to call twice and from an atexit path.
void floor_stop(void);
/// Colours: 0 none, 8, 256 (what the terminal reports).
int floor_colors(void);
/// init_pair wrapper (pair, fg, bg); -1 means the terminal's default colour.
void floor_init_pair(short pair, short fg, short bg);
/// Terminal size (getmaxyx is a macro).
int floor_lines(void);
int floor_cols(void);
/// Attribute bits (macros in ncurses).
unsigned int floor_attr_bold(void);
unsigned int floor_attr_reverse(void);
unsigned int floor_attr_underline(void);
unsigned int floor_attr_dim(void);
unsigned int floor_color_pair(int pair);
/// Puts `n` wide characters at (y, x) with `attr` (mvaddnwstr on stdscr).
void floor_put(int y, int x, const wchar_t *text, int n, unsigned int attr);
/// Erases the whole screen (next refresh redraws everything).
void floor_clear(void);
/// refresh() on stdscr.
void floor_refresh(void);
/// One input without waiting: returns 0 for a byte (in *ch, 0-255), 1 for a key code (in *ch), -1 for none.
int floor_read_key(int *ch);
/// KEY_F(n) and the key codes Floor maps.
int floor_key_f(int n);
int floor_key_code(const char *name);
/// Async-signal-safe shutdown requests: SIGTERM, SIGHUP, SIGINT, SIGQUIT and SIGPIPE set a flag and
/// write a byte to `wake_fd` so the main loop's poll() returns.
void floor_install_signals(int wake_fd);
/// The last signal that asked to stop (0 when none).
int floor_stop_signal(void);

/// An inotify descriptor watching `dir` for writes (the store's database and WAL), non-blocking;
/// -1 when the platform has no inotify (the caller then polls).
int floor_watch_dir(const char *dir);
/// Reads and discards pending inotify events; returns how many bytes were drained.
int floor_drain(int fd);

#endif

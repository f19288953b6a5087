import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Reads a secret (a signing PIN or password) without showing it: from the terminal with echo
/// off, or one line of standard input when that is not a terminal (scripts, tests). The prompt
/// goes to standard error; the secret is returned and never printed or logged.
public enum SecretInput {
    public static func read(prompt: String) throws -> String {
        FileHandle.standardError.write(Data(prompt.utf8))
        let tty = isatty(STDIN_FILENO) == 1
        var saved = termios()
        if tty {
            tcgetattr(STDIN_FILENO, &saved)
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO | ECHONL)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
        }
        defer {
            if tty {
                tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
                FileHandle.standardError.write(Data("\n".utf8))
            }
        }
        guard let line = Swift.readLine(strippingNewline: true) else { throw CommandFailure("no secret given (end of input)") }
        return line.hasSuffix("\r") ? String(line.dropLast()) : line
    }
}

import ArgumentParser
import FloorCommandLine
import FloorStation
import Foundation
import LocalStore
import MESCore
import ScannerInput

struct Scan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The kiosk without a screen: apply codes in order at a station, as the kiosk would.",
        discussion: ScanVocabulary.summary + " Each is explained in docs/scan-codes.md (floor docs scan-codes). "
            + "Prints one line per code, stops at the first refusal (with its reasons) and exits non-zero.")
    @OptionGroup var store: StoreOptions
    @Option(help: "The station (kiosk) id.") var station: String
    @Flag(help: "The station's scanner sends a GS1 QR symbol's '%' separators raw instead of GS.")
    var gs1PercentSeparator = false
    @Option(
        help: ArgumentHelp(
            "The badge that signs the codes whose record is a signature (first-piece verdicts, dispositions, releases, overrides, "
                + "approved undos); its secret is asked once, without echo, or read from the first line of standard input.",
            valueName: "badge"))
    var sign: String?
    @Argument(help: "Codes, applied in order.") var codes: [String]

    func run() throws {
        try runReporting {
            let service = FloorService(store: try store.open(create: false, interactive: true))
            // The WAL is copied back once the codes are done, not inside a scan.
            defer { _ = try? service.checkpointIfDue(every: 1) }
            var session = StationSession(stationID: station, gs1PercentIsSeparator: gs1PercentSeparator)
            var secret: String?
            for code in codes {
                var reply = try session.handle(code, service: service)
                if reply.kind == .needsSignature {
                    guard let sign else {
                        print(reply.text + " (nothing recorded: add --sign BADGE to sign it)")
                        throw ExitCode(2)
                    }
                    if secret == nil { secret = try SecretInput.read(prompt: "secret of \(Sanitize.line(sign)): ") }
                    reply = try session.sign(badge: sign, secret: secret ?? "", service: service)
                }
                print(reply.text)
                if reply.kind == .refused { throw ExitCode(2) }
            }
        }
    }
}

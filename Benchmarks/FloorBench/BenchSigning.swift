import ArgumentParser
import Foundation
import LocalStore

/// `floor-bench signing`: what a signature's secret costs to check, and so what a guess costs
/// someone who stole a kiosk's store (one core, the standard scrypt cost).
struct BenchSigning: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signing",
        abstract: "Time verifying a signing secret at the standard scrypt cost (and the guesses per second it allows).")
    @Option(help: "How many verifications to time.") var samples = 20
    @Option(help: "scrypt's log2 rounds.") var ln = SigningSecrets.Cost.standard.ln

    func run() throws {
        let cost = SigningSecrets.Cost(ln: ln, r: SigningSecrets.Cost.standard.r, p: SigningSecrets.Cost.standard.p)
        let hash = try SigningSecrets.hash("Bench-4471-secret", cost: cost)
        var times: [Double] = []
        for i in 0..<samples {
            let t0 = DispatchTime.now().uptimeNanoseconds
            _ = try SigningSecrets.verify(i % 2 == 0 ? "Bench-4471-secret" : "wrong-guess-\(i)", against: hash)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
        }
        times.sort()
        let median = times[times.count / 2]
        print(
            String(
                format: "scrypt ln=%d r=%d p=%d (%d MiB): verify median %.1f ms, max %.1f ms over %d; %.1f guesses/s on one core",
                cost.ln, cost.r, cost.p, (128 * cost.r << cost.ln) >> 20, median, times.last!, samples, 1000 / median))
    }
}

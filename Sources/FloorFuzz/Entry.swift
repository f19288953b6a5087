import Foundation
import MESCore

// Built two ways (scripts/fuzz):
// * with `-sanitize=fuzzer -DFUZZING`: libFuzzer's entry point, coverage-guided; the target comes
//   from FLOOR_FUZZ_TARGET;
// * without: `floor-fuzz TARGET [--seconds N] [--seed S] [--corpus DIR]`, a seeded random driver
//   that replays the corpus, then mutates it (where libFuzzer cannot build).

#if FUZZING
let fuzzTarget = ProcessInfo.processInfo.environment["FLOOR_FUZZ_TARGET"] ?? "gs1"

func floorFuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    do {
        try FuzzTargets.run(fuzzTarget, data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    } catch {
        fatalError("\(fuzzTarget): \(error)")
    }
    return 0
}

/// libFuzzer's driver, called from the entry point SwiftPM gives an executable target.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("FloorFuzz_main")
func floorFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var vector = argv
    return LLVMFuzzerRunDriver(&count, &vector) { data, size in floorFuzzOne(data, size) }
}
#else
@main
struct FloorFuzz {
    static func main() {
        var args = Array(CommandLine.arguments.dropFirst())
        func option(_ name: String) -> String? {
            guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
            defer { args.removeSubrange(i...(i + 1)) }
            return args[i + 1]
        }
        let seconds = Double(option("--seconds") ?? "10") ?? 10
        var rng = SplitMix64(seed: UInt64(option("--seed") ?? "1") ?? 1)
        let corpus = option("--corpus")
        guard let target = args.first, FuzzTargets.names.contains(target) else {
            print("usage: floor-fuzz TARGET [--seconds N] [--seed S] [--corpus DIR]; targets: \(FuzzTargets.names.joined(separator: ", "))")
            exit(2)
        }
        var seeds: [[UInt8]] = [[]]
        if let corpus, let files = try? FileManager.default.contentsOfDirectory(atPath: corpus) {
            seeds += files.sorted().compactMap { FileManager.default.contents(atPath: corpus + "/" + $0).map { Array($0) } }
        }
        let start = Date()
        var runs = 0
        func attempt(_ input: [UInt8]) {
            do { try FuzzTargets.run(target, input) } catch {
                print("FINDING in \(target): \(error)\ninput (hex): \(input.map { String(format: "%02x", $0) }.joined())")
                exit(1)
            }
            runs += 1
        }
        for s in seeds { attempt(s) }
        while Date().timeIntervalSince(start) < seconds {
            var input = seeds[Int(rng.next() % UInt64(seeds.count))]
            for _ in 0..<(1 + Int(rng.next() % 8)) {
                let r = rng.next()
                switch r % 5 {
                case 0 where !input.isEmpty: input[Int(r >> 8) % input.count] = UInt8(truncatingIfNeeded: r >> 32)
                case 1: input.insert(UInt8(truncatingIfNeeded: r >> 32), at: input.isEmpty ? 0 : Int(r >> 8) % (input.count + 1))
                case 2 where !input.isEmpty: input.remove(at: Int(r >> 8) % input.count)
                case 3: input += seeds[Int(r >> 8) % seeds.count].prefix(16)
                default:
                    let special: [UInt8] = [0x1D, 0x28, 0x29, 0x25, 0x0D, 0xE9, 0xFF]
                    input.insert(special[Int(r >> 8) % special.count], at: input.isEmpty ? 0 : Int(r >> 16) % (input.count + 1))
                }
            }
            attempt(input)
        }
        let elapsed = Date().timeIntervalSince(start)
        print("\(target): \(runs) runs in \(String(format: "%.1f", elapsed)) s, \(Int(Double(runs) / max(elapsed, 0.001))) exec/s, no finding")
    }
}
#endif

import Foundation
import Testing

/// Runs the built `floor` binary as a user or a script would, on a store of its own.
struct FloorBinary {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    /// The example plant and orders every user starts from (`docs/examples/`).
    static let examples = packageRoot.appendingPathComponent("docs/examples")

    static var path: String {
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("floor"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("floor"),
            packageRoot.appendingPathComponent(".build/debug/floor"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }?.path ?? candidates.last!.path
    }

    struct Result { var status: Int32; var out: String; var err: String }

    let dir: URL
    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("floor-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    var db: String { dir.appendingPathComponent("floor.db").path }

    /// The store `floor demo --no-kiosk` makes, made once per test run by the real command and
    /// copied for each test that starts from it (a week of simulated history takes seconds of a
    /// core that a dozen tests need not spend again). `floor demo` itself is tested on its own.
    private static let demoTemplate: Swift.Result<URL, Error> = Swift.Result {
        let f = try FloorBinary()
        let r = try f.run(["demo", "--dir", f.dir.path, "--no-kiosk"])
        guard r.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "floor demo failed: \(r.err)"]) }
        return f.dir
    }

    /// A binary on a fresh copy of the demo store.
    static func demo() throws -> FloorBinary {
        let from = try demoTemplate.get()
        let f = try FloorBinary()
        for name in try FileManager.default.contentsOfDirectory(atPath: from.path) {
            try FileManager.default.copyItem(at: from.appendingPathComponent(name), to: f.dir.appendingPathComponent(name))
        }
        return f
    }

    @discardableResult
    func run(_ args: [String], env: [String: String] = [:], input: String? = nil) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: FloorBinary.path)
        p.arguments = args
        var e = ProcessInfo.processInfo.environment
        e["FLOOR_DB"] = db
        for (k, v) in env { e[k] = v }
        p.environment = e
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        let stdin = Pipe()
        if input != nil { p.standardInput = stdin }
        try p.run()
        if let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        let o = out.fileHandleForReading.readDataToEndOfFile(), r = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: r, as: UTF8.self))
    }

    func scan(_ station: String, _ codes: String...) throws -> Result { try run(["scan", "--station", station] + codes) }

    func json(_ args: [String]) throws -> Any {
        let r = try run(args)
        #expect(r.status == 0, "\(args): \(r.err)")
        return try JSONSerialization.jsonObject(with: Data(r.out.utf8))
    }

    func write(_ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}

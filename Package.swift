// swift-tools-version: 6.0
import PackageDescription

// The targets and what each may import are in docs/codebase-guide.md (scripts/check-boundaries
// enforces the rules). The heavy dependencies (Hummingbird, AsyncHTTPClient, NIO) are only in
// FloorCentral and what depends on it; MESCore, ScannerInput and LocalStore build without them.
// The benchmarks (`floor-bench`) and the fuzz targets (`floor-fuzz`) are programs of their own.
let package = Package(
    name: "Floor",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "floor", targets: ["FloorTUI"]),
        .executable(name: "floor-fuzz", targets: ["FloorFuzz"]),
        .executable(name: "floor-bench", targets: ["FloorBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // The central node (server) and the kiosk's HTTP client: ~4 min of clean build, only in
        // FloorCentral (and so in the `floor` binary), never in MESCore/LocalStore.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // The domain: plain values and pure functions. Foundation only.
        .target(name: "MESCore"),
        // Keystrokes to scans; label and GS1 parsing. Pure.
        .target(name: "ScannerInput", dependencies: ["MESCore"]),
        // SQLite (GRDB) store, the replication log, file readers.
        .target(name: "LocalStore", dependencies: [
            "MESCore",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Yams", package: "Yams"),
            .product(name: "Crypto", package: "swift-crypto"),
            // scrypt for signing secrets (SigningSecrets).
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ]),
        // The replication transports over HTTP: the central node's server (Hummingbird) and the
        // kiosk's client (AsyncHTTPClient). The replication logic itself is in LocalStore.
        .target(name: "FloorCentral", dependencies: [
            "MESCore", "LocalStore",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // The station layer: a station's session (who is logged in, what is selected, how a code
        // is resolved) and the kiosk's read model. No screens, no SQL: it asks MESCore and LocalStore.
        .target(name: "FloorStation", dependencies: ["MESCore", "LocalStore", "ScannerInput"]),
        // What every command-line program of Floor shares: the store option, output formats, and
        // errors turned into a message and an exit status.
        .target(name: "FloorCommandLine", dependencies: [
            "MESCore", "LocalStore", "FloorCentral",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // ncursesw for Swift 6: macros and C globals wrapped, NCURSES_WIDECHAR defined.
        .target(name: "CNCurses", linkerSettings: [.linkedLibrary("ncursesw")]),
        // Screens, keymaps and the `floor` command.
        .executableTarget(name: "FloorTUI", dependencies: [
            "MESCore", "LocalStore", "ScannerInput", "FloorStation", "FloorCommandLine", "CNCurses", "FloorCentral",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // The benchmarks, out of the shipped binary: they drive `floor` (beside them) in a pty.
        .executableTarget(name: "FloorBench", dependencies: [
            "MESCore", "LocalStore", "ScannerInput", "FloorStation", "FloorCommandLine", "FloorCentral",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Benchmarks/FloorBench"),
        // The fuzz targets over every reader of untrusted input (scripts/fuzz builds it with libFuzzer).
        .executableTarget(name: "FloorFuzz", dependencies: ["MESCore", "ScannerInput", "LocalStore"]),
        .testTarget(name: "MESCoreTests", dependencies: ["MESCore"]),
        .testTarget(name: "ScannerInputTests", dependencies: ["ScannerInput", "MESCore"]),
        .testTarget(name: "LocalStoreTests", dependencies: ["LocalStore", "MESCore"]),
        .testTarget(name: "FloorCentralTests", dependencies: ["FloorCentral", "LocalStore", "MESCore"]),
        .testTarget(name: "FloorTUITests", dependencies: ["FloorTUI", "FloorStation", "LocalStore", "MESCore", "ScannerInput"],
                    exclude: ["Golden"]),
    ],
    swiftLanguageModes: [.v6]
)

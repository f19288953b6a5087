import Crypto
import Foundation
import MESCore

/// A batch of the replication log, the one unit every transport moves: an HTTP push body, a pull
/// response, a segment file on a USB stick. JSON Lines:
///
///     {"floor-segment":1,"source":"K-SW1","kind":"node", ...}        header
///     {"node":"K-SW1","epoch":"…","seq":1,…,"sum":"…"}              one line per event
///     {"end":{"count":1,"sha256":"…","hmac":"…"}}                      trailer
///
/// The trailer marks the file complete (a USB stick gives no atomic rename): `sha256` covers
/// every byte before the trailer line, `count` the event lines. `hmac`, when present, is
/// HMAC-SHA256 keyed with the writing node's enrollment secret over that same digest, so the
/// central node can tell who wrote a file and that nobody altered it.
public struct Segment: Equatable, Sendable {
    public static let formatVersion = 1

    public enum Kind: String, Codable, Sendable {
        /// A node's own events (a push, a kiosk's export): items carry no position.
        case node
        /// Events by central position (a pull response, the central node's export).
        case central
    }

    /// What a node reports about its replication, carried in push headers and listed by the
    /// central node for supervisors.
    public struct NodeStatus: Codable, Equatable, Sendable {
        public var node: String
        /// Events waiting to go out at the node when it last reported.
        public var pending: Int?
        /// Epoch milliseconds of the node's last push and last pull seen by the central node.
        public var lastPush: Int64?
        public var lastPull: Int64?
        /// The central position the node has pulled up to.
        public var position: Int64?
        /// Revoked nodes are listed so a supervisor sees why a kiosk is refused.
        public var revoked: Bool?
        public var lastError: String?
        public init(
            node: String, pending: Int? = nil, lastPush: Int64? = nil, lastPull: Int64? = nil,
            position: Int64? = nil, revoked: Bool? = nil, lastError: String? = nil
        ) {
            self.node = node; self.pending = pending; self.lastPush = lastPush; self.lastPull = lastPull
            self.position = position; self.revoked = revoked; self.lastError = lastError
        }
    }

    public struct Header: Codable, Equatable, Sendable {
        public var format: Int
        /// The node that wrote the segment ("central" for the central node).
        public var source: String
        public var kind: Kind
        /// Central segments: the central head when written (a puller is up to date when its
        /// position reaches it).
        public var head: Int64?
        /// Push segments: the number of events still waiting at the node after this batch.
        public var pending: Int?
        /// Pull responses: the central node's view of every node (for supervisors).
        public var nodes: [NodeStatus]?

        enum CodingKeys: String, CodingKey {
            case format = "floor-segment", source, kind, head, pending, nodes
        }

        public init(source: String, kind: Kind, head: Int64? = nil, pending: Int? = nil, nodes: [NodeStatus]? = nil) {
            self.format = Segment.formatVersion; self.source = source; self.kind = kind
            self.head = head; self.pending = pending; self.nodes = nodes
        }
    }

    public struct Item: Equatable, Sendable {
        /// The central position (central segments only).
        public var position: Int64?
        public var envelope: EventEnvelope
        public init(position: Int64? = nil, envelope: EventEnvelope) {
            self.position = position; self.envelope = envelope
        }
    }

    public var header: Header
    public var items: [Item]
    /// Whether the trailer carried a signature, and whether it was checked (by `decode(secret:)`).
    public var signed: Bool = false

    public init(header: Header, items: [Item]) {
        self.header = header; self.items = items
    }

    /// The highest position of a central segment's items.
    public var lastPosition: Int64? { items.last?.position }

    // MARK: Errors

    public enum DecodeError: Error, Equatable, CustomStringConvertible {
        case empty
        case tooLarge(bytes: Int, limit: Int)
        case badHeader(String)
        case unsupportedFormat(Int)
        /// No trailer: cut off while being written, sent or copied.
        case truncated
        case malformedLine(line: Int, detail: String)
        case countMismatch(declared: Int, found: Int)
        /// The content does not match the trailer's digest: changed or damaged.
        case checksumMismatch
        /// A signature was needed and is missing, or does not match the node's secret.
        case unsigned(source: String)
        case badSignature(source: String)
        case positionsOutOfOrder(line: Int)

        public var description: String {
            switch self {
            case .empty: return "the segment is empty"
            case .tooLarge(let bytes, let limit): return "the segment is \(bytes) bytes, more than the limit of \(limit)"
            case .badHeader(let d): return "the segment's first line is not a Floor segment header (\(d))"
            case .unsupportedFormat(let v):
                return "the segment is in format \(v), which this version of Floor does not read (it reads \(Segment.formatVersion)); update Floor"
            case .truncated:
                return "the segment is incomplete: it has no end marker (cut off while being written, sent or copied); nothing of it was applied"
            case .malformedLine(let line, let detail):
                return "line \(line) of the segment is not a valid event (\(detail)); nothing of it was applied"
            case .countMismatch(let declared, let found):
                return "the segment's end marker says \(declared) events but it holds \(found); nothing of it was applied"
            case .checksumMismatch: return "the segment's content does not match its checksum: it was changed or damaged; nothing of it was applied"
            case .unsigned(let source): return "the segment claims to come from \(source) but is not signed; nothing of it was applied"
            case .badSignature(let source):
                return
                    "the segment's signature does not match the secret of \(source): it was altered or not written by \(source); nothing of it "
                    + "was applied"
            case .positionsOutOfOrder(let line): return "line \(line) of the segment is out of position order; nothing of it was applied"
            }
        }
    }

    // MARK: Encoding

    /// The segment's bytes; signed with `secret` when given.
    public func encode(secret: String? = nil) -> Data {
        var out = [UInt8]()
        out.reserveCapacity(256 + items.count * 512)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // The header is small: Codable is fine. (Cannot fail: plain strings and numbers.)
        out.append(contentsOf: (try? encoder.encode(header)) ?? Data("{}".utf8))
        out.append(10)
        for item in items {
            Segment.appendEventLine(item, to: &out)
            out.append(10)
        }
        let digest = SHA256.hash(data: out)
        let sha = Segment.hex(Data(digest))
        var trailer = "{\"end\":{\"count\":\(items.count),\"sha256\":\"\(sha)\""
        if let secret { trailer += ",\"hmac\":\"\(Segment.signature(digest: sha, secret: secret))\"" }
        trailer += "}}\n"
        out.append(contentsOf: Array(trailer.utf8))
        return Data(out)
    }

    /// HMAC-SHA256 (hex) of a digest's hex text with a node's secret.
    public static func signature(digest: String, secret: String) -> String {
        let key = SymmetricKey(data: Data(secret.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Data(digest.utf8), using: key)
        return hex(Data(mac))
    }

    /// An event line, written by hand: this is the hot path of every transport (a million events
    /// on a catch-up), and the field order is fixed so files diff cleanly.
    static func appendEventLine(_ item: Item, to out: inout [UInt8]) {
        let e = item.envelope
        func key(_ k: String) { out.append(contentsOf: Array(k.utf8)) }
        func str(_ s: String) { appendJSONString(s, to: &out) }
        func num<N: BinaryInteger>(_ n: N) { out.append(contentsOf: Array(String(n).utf8)) }
        out.append(UInt8(ascii: "{"))
        if let p = item.position { key("\"pos\":"); num(p); out.append(UInt8(ascii: ",")) }
        key("\"node\":"); str(e.node)
        key(",\"epoch\":"); str(e.epoch)
        key(",\"seq\":"); num(e.seq)
        key(",\"hlc\":"); num(e.hlc.wall)
        key(",\"hlcl\":"); num(e.hlc.logical)
        key(",\"wall\":"); num(e.wallTime)
        key(",\"causal\":"); num(e.causal)
        key(",\"type\":"); str(e.type)
        key(",\"v\":"); num(e.typeVersion)
        key(",\"agg\":"); str(e.aggregate)
        key(",\"actor\":"); str(e.actor)
        key(",\"prev\":"); str(e.prevHash)
        key(",\"payload\":"); str(e.payload)
        key(",\"sum\":"); str(e.checksum)
        out.append(UInt8(ascii: "}"))
    }

    static func appendJSONString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(92); out.append(b)
            case 92: out.append(92); out.append(92)
            case 10: out.append(92); out.append(UInt8(ascii: "n"))
            case 13: out.append(92); out.append(UInt8(ascii: "r"))
            case 9: out.append(92); out.append(UInt8(ascii: "t"))
            case 0..<32, 127:
                let h = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, h[Int(b >> 4)], h[Int(b & 15)]])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    // MARK: Decoding

    struct WireEvent {
        var pos: Int64?
        var node: String
        var epoch: String
        var seq: Int64
        var hlc: Int64
        var hlcl: Int32
        var wall: Int64
        var causal: Int64
        var type: String
        var v: Int
        var agg: String
        var actor: String
        var prev: String
        var payload: String
        var sum: String

        /// A flat JSON object of strings and integers, in any key order (the hot path of every
        /// transport: Foundation's decoder cost more than storing the event). Strict: anything
        /// else (nesting, floats, duplicate or missing keys, trailing bytes) is a malformed line.
        static func parse(_ b: Slice<UnsafeBufferPointer<UInt8>>) throws -> WireEvent {
            var i = b.startIndex
            let end = b.endIndex
            func ws() { while i < end, b[i] == 32 || b[i] == 9 || b[i] == 13 { i += 1 } }
            func fail(_ d: String = "not JSON") -> LineError { LineError(detail: d) }
            func expect(_ c: UInt8) throws { ws(); guard i < end, b[i] == c else { throw fail() }; i += 1 }
            func string() throws -> String {
                ws()
                guard i < end, b[i] == 34 else { throw fail() }
                i += 1
                var out = [UInt8]()
                while true {
                    guard i < end else { throw fail() }
                    let c = b[i]
                    if c == 34 { i += 1; break }
                    if c < 32 { throw fail() }
                    if c != 92 { out.append(c); i += 1; continue }
                    i += 1
                    guard i < end else { throw fail() }
                    let e = b[i]; i += 1
                    switch e {
                    case 34, 92, 47: out.append(e)
                    case UInt8(ascii: "n"): out.append(10)
                    case UInt8(ascii: "r"): out.append(13)
                    case UInt8(ascii: "t"): out.append(9)
                    case UInt8(ascii: "b"): out.append(8)
                    case UInt8(ascii: "f"): out.append(12)
                    case UInt8(ascii: "u"):
                        func hex4() throws -> UInt32 {
                            guard i + 4 <= end else { throw fail() }
                            var v: UInt32 = 0
                            for _ in 0..<4 {
                                let h = b[i]; i += 1
                                switch h {
                                case 48...57: v = v << 4 | UInt32(h - 48)
                                case 97...102: v = v << 4 | UInt32(h - 87)
                                case 65...70: v = v << 4 | UInt32(h - 55)
                                default: throw fail()
                                }
                            }
                            return v
                        }
                        var v = try hex4()
                        if (0xD800..<0xDC00).contains(v) {
                            guard i + 2 <= end, b[i] == 92, b[i + 1] == UInt8(ascii: "u") else { throw fail() }
                            i += 2
                            let lo = try hex4()
                            guard (0xDC00..<0xE000).contains(lo) else { throw fail() }
                            v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00)
                        }
                        guard let scalar = Unicode.Scalar(v) else { throw fail() }
                        out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    default: throw fail()
                    }
                }
                guard let text = String(validating: out, as: UTF8.self) else { throw fail("not UTF-8") }
                return text
            }
            func integer() throws -> Int64 {
                ws()
                var neg = false
                if i < end, b[i] == 45 { neg = true; i += 1 }
                let start = i
                var v: Int64 = 0
                while i < end, b[i] >= 48, b[i] <= 57 {
                    let (m, o1) = v.multipliedReportingOverflow(by: 10)
                    let (a, o2) = m.addingReportingOverflow(Int64(b[i] - 48))
                    if o1 || o2 { throw fail("number out of range") }
                    v = a; i += 1
                }
                guard i > start else { throw fail() }
                if i < end, b[i] == 46 || b[i] == 101 || b[i] == 69 { throw fail("not an integer") }
                return neg ? -v : v
            }
            var strings: [String: String] = [:]
            var ints: [String: Int64] = [:]
            try expect(123)
            ws()
            if i < end, b[i] == 125 {
                i += 1
            } else {
                while true {
                    let key = try string()
                    try expect(58)
                    ws()
                    guard i < end else { throw fail() }
                    if strings[key] != nil || ints[key] != nil { throw fail("field \(key) twice") }
                    if b[i] == 34 { strings[key] = try string() } else { ints[key] = try integer() }
                    ws()
                    guard i < end else { throw fail() }
                    if b[i] == 44 { i += 1; continue }
                    if b[i] == 125 { i += 1; break }
                    throw fail()
                }
            }
            ws()
            guard i == end else { throw fail() }
            func s(_ k: String) throws -> String {
                guard let v = strings[k] else { throw fail(ints[k] == nil ? "missing field \(k)" : "wrong type at \(k)") }
                return v
            }
            func n(_ k: String) throws -> Int64 {
                guard let v = ints[k] else { throw fail(strings[k] == nil ? "missing field \(k)" : "wrong type at \(k)") }
                return v
            }
            let logical = try n("hlcl"), version = try n("v")
            guard let l32 = Int32(exactly: logical), let vInt = Int(exactly: version) else { throw fail("number out of range") }
            return WireEvent(
                pos: ints["pos"], node: try s("node"), epoch: try s("epoch"), seq: try n("seq"), hlc: try n("hlc"),
                hlcl: l32, wall: try n("wall"), causal: try n("causal"), type: try s("type"), v: vInt,
                agg: try s("agg"), actor: try s("actor"), prev: try s("prev"), payload: try s("payload"), sum: try s("sum"))
        }
    }

    struct LineError: Error { var detail: String }

    struct Trailer: Decodable {
        struct End: Decodable { var count: Int; var sha256: String; var hmac: String? }
        var end: End
    }

    /// Reads and verifies a segment: header, every line, the trailer's count and digest, and the
    /// signature when `secret` is given (then a missing signature is refused too). Never returns
    /// part of a segment.
    public static func decode(_ data: Data, secret: String? = nil, maxBytes: Int = .max) throws -> Segment {
        if data.isEmpty { throw DecodeError.empty }
        if data.count > maxBytes { throw DecodeError.tooLarge(bytes: data.count, limit: maxBytes) }
        let bytes = [UInt8](data)
        // Split into lines (the last line must end with a newline: a trailer cut in the middle is
        // a truncated segment, not a malformed one).
        var lines: [Range<Int>] = []
        var start = 0
        for i in 0..<bytes.count where bytes[i] == 10 {
            lines.append(start..<i)
            start = i + 1
        }
        let complete = start == bytes.count
        guard let first = lines.first ?? (complete ? nil : start..<bytes.count) else { throw DecodeError.empty }

        let decoder = JSONDecoder()
        let header: Header
        do {
            header = try decoder.decode(Header.self, from: Data(bytes[first]))
        } catch {
            throw DecodeError.badHeader(shortReason(error))
        }
        if header.format != formatVersion { throw DecodeError.unsupportedFormat(header.format) }

        guard complete, lines.count >= 2,
            let trailer = try? decoder.decode(Trailer.self, from: Data(bytes[lines[lines.count - 1]]))
        else {
            throw DecodeError.truncated
        }
        let bodyEnd = lines[lines.count - 1].lowerBound
        let digest = hex(Data(SHA256.hash(data: bytes[0..<bodyEnd])))
        guard digest == trailer.end.sha256.lowercased() else { throw DecodeError.checksumMismatch }
        var signed = false
        if let secret {
            guard let mac = trailer.end.hmac else { throw DecodeError.unsigned(source: header.source) }
            guard constantTimeEqual(mac.lowercased(), signature(digest: digest, secret: secret)) else {
                throw DecodeError.badSignature(source: header.source)
            }
            signed = true
        }
        let eventLines = lines[1..<(lines.count - 1)]
        guard eventLines.count == trailer.end.count else {
            throw DecodeError.countMismatch(declared: trailer.end.count, found: eventLines.count)
        }
        var items: [Item] = []
        items.reserveCapacity(eventLines.count)
        var lastPos: Int64 = .min
        for (n, range) in zip(2..., eventLines) {
            let w: WireEvent
            do {
                w = try bytes.withUnsafeBufferPointer { try WireEvent.parse($0[range]) }
            } catch let e as LineError {
                throw DecodeError.malformedLine(line: n, detail: e.detail)
            }
            if header.kind == .central {
                guard let p = w.pos, p > lastPos else { throw DecodeError.positionsOutOfOrder(line: n) }
                lastPos = p
            }
            let env = EventEnvelope(
                node: w.node, epoch: w.epoch, seq: w.seq, hlc: HLC(wall: w.hlc, logical: w.hlcl),
                wallTime: w.wall, causal: w.causal, type: w.type, typeVersion: w.v,
                aggregate: w.agg, actor: w.actor, prevHash: w.prev, payload: w.payload, checksum: w.sum)
            items.append(Item(position: header.kind == .central ? w.pos : nil, envelope: env))
        }
        var segment = Segment(header: header, items: items)
        segment.signed = signed
        return segment
    }

    /// The source named in a segment's header, read without verifying anything (to pick the
    /// secret to verify it with).
    public static func peekSource(_ data: Data) -> String? {
        let firstLine = data.prefix(4096).split(separator: 10, maxSplits: 1, omittingEmptySubsequences: false).first ?? Data()
        return (try? JSONDecoder().decode(Header.self, from: Data(firstLine)))?.source
    }

    static func shortReason(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing field \(key.stringValue)"
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx):
            return "wrong type at \(ctx.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.dataCorrupted: return "not JSON"
        default: return "not JSON"
        }
    }

    /// SHA-256 of bytes, as lowercase hex.
    public static func sha256Hex(_ data: Data) -> String { hex(Data(SHA256.hash(data: data))) }

    /// String equality in time independent of where they differ (signatures).
    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var d: UInt8 = 0
        for i in 0..<x.count { d |= x[i] ^ y[i] }
        return d == 0
    }

    static func hex(_ data: Data) -> String { EventLog.hex(data) }
}

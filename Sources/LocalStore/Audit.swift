import Foundation
import GRDB
import MESCore

/// One thing wrong with the stored log.
public struct AuditProblem: Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Equatable, Sendable {
        /// Events of a node/epoch are missing before this one (deleted, or never received).
        case gap
        /// A seq that does not come after the previous one of its stream (reordered or duplicated).
        case outOfOrder
        /// prevHash does not equal the checksum of the previous event of its stream.
        case brokenChain
        /// The stored checksum does not match the event's content.
        case badChecksum
        /// This node's own latest events are missing (node_state says more were written).
        case missingTail
        /// A signature does not hold on its records (`Signature.linkProblems`): a record changed
        /// after signing, missing, by someone else, or a meaning that is not the record's.
        case badSignature
    }
    public var kind: Kind
    /// The event concerned (for `missingTail`: the first missing one).
    public var event: EventID
    /// Its local position (nil for `missingTail`).
    public var pos: Int64?
    /// What is wrong, in plain words.
    public var message: String

    public init(kind: Kind, event: EventID, pos: Int64?, message: String) {
        self.kind = kind; self.event = event; self.pos = pos; self.message = message
    }

    public var description: String {
        if let pos { return "event \(event) (position \(pos)): \(message)" }
        return "event \(event): \(message)"
    }
}

public struct AuditReport: Equatable, Sendable, CustomStringConvertible {
    public var eventsChecked: Int = 0
    /// The problems found, at most `maxProblems` of them (see `problemCount`).
    public var problems: [AuditProblem] = []
    /// All problems found, including those not listed.
    public var problemCount: Int = 0
    /// Warnings, not problems: events stored with a type or version this build does not know.
    public var unknownTypeEvents: Int = 0
    /// Warnings, not problems: events dated too far in the future when they arrived.
    public var futureDatedEvents: Int = 0
    /// Distinct node/epoch streams seen.
    public var streams: Int = 0
    /// Signatures checked against their records, and those of them made by the simulator.
    public var signaturesChecked: Int = 0
    public var simulatedSignatures: Int = 0
    /// Warnings, not problems: records of a signed kind that no signature covers (written before
    /// signatures were recorded, by an older version of Floor).
    public var unsignedRecords: Int = 0

    public init() {}

    public var isClean: Bool { problemCount == 0 }
    /// Events carrying any flag (warnings).
    public var flaggedEvents: Int { unknownTypeEvents + futureDatedEvents }

    public var description: String {
        var lines = [
            "Checked \(eventsChecked) events in \(streams) streams: "
                + (isClean ? "no problems." : "\(problemCount) problem\(problemCount == 1 ? "" : "s").")
        ]
        lines += problems.map { "  - \($0)" }
        if problemCount > problems.count { lines.append("  ... and \(problemCount - problems.count) more.") }
        if unknownTypeEvents > 0 {
            lines.append("Warning: \(unknownTypeEvents) events have a type or version this version of Floor does not know (stored, not shown).")
        }
        if signaturesChecked > 0 {
            lines.append(
                "Checked \(signaturesChecked) signatures against the records they sign"
                    + (simulatedSignatures > 0 ? " (\(simulatedSignatures) made by floor simulate, not by people)." : "."))
        }
        if unsignedRecords > 0 {
            lines.append("Warning: \(unsignedRecords) records of a signed kind carry no signature (written before signatures were recorded?).")
        }
        if futureDatedEvents > 0 {
            lines.append("Warning: \(futureDatedEvents) events were dated in the future when they arrived (a node with a wrong clock?).")
        }
        return lines.joined(separator: "\n")
    }
}

/// Verifies the whole stored log: per node/epoch, seqs from 1 without gaps, each prevHash equal
/// to the previous event's checksum, each checksum equal to the SHA-256 of the canonical text.
/// Streams the log in position order with a cursor (constant memory), so it works on millions of
/// events; run it inside `Store.read` (a snapshot, concurrent with writers).
public enum Audit {

    public static func verify(db: Database, maxProblems: Int = 1000) throws -> AuditReport {
        var report = AuditReport()
        struct Stream { var seq: Int64; var checksum: Data }
        var streams: [String: Stream] = [:]

        func problem(_ kind: AuditProblem.Kind, _ id: EventID, _ pos: Int64?, _ message: String) {
            report.problemCount += 1
            if report.problems.count < maxProblems {
                report.problems.append(AuditProblem(kind: kind, event: id, pos: pos, message: message))
            }
        }

        // Records of a signed kind not yet covered by a signature (a signature follows its records
        // in the log, so this holds only the few between a record and its signature, and the
        // unsigned records of an old store).
        var awaiting = Set<String>()
        func checkSignatures(_ env: EventEnvelope, _ id: EventID, _ pos: Int64) throws {
            guard env.type == "signature.applied" || Signature.signedTypes.contains(env.type) else { return }
            let event = EventCodec.decode(type: env.type, version: env.typeVersion, payload: env.payload)
            guard case .signatureApplied(let sig) = event else {
                if Signature.meaning(of: event) != nil { awaiting.insert(id.description) }
                return
            }
            report.signaturesChecked += 1
            if sig.method == .simulated { report.simulatedSignatures += 1 }
            var facts: [String: Signature.RecordFacts] = [:]
            for r in sig.records {
                awaiting.remove(r.event)
                let parts = r.event.split(separator: "/", omittingEmptySubsequences: false)
                guard parts.count == 3, let seq = Int64(parts[2]),
                    let signed = try EventLog.event(EventID(node: String(parts[0]), epoch: String(parts[1]), seq: seq), db: db)
                else { continue }
                facts[r.event] = Signature.RecordFacts(
                    type: signed.type, actor: signed.actor, hash: EventLog.hex(EventLog.checksumBytes(signed)),
                    event: EventCodec.decode(type: signed.type, version: signed.typeVersion, payload: signed.payload))
            }
            for text in Signature.linkProblems(sig, actor: env.actor, records: facts) { problem(.badSignature, id, pos, text) }
        }

        let cursor = try Row.fetchCursor(db, sql: "SELECT \(EventLog.columns) FROM events ORDER BY pos")
        while let row = try cursor.next() {
            let pos: Int64 = row[0]
            let env = EventLog.envelope(columns: row)
            let flags: Int = row[15]
            let storedSum: Data = row[14] ?? Data()
            report.eventsChecked += 1
            if flags & EventLog.flagUnknownType != 0 { report.unknownTypeEvents += 1 }
            if flags & EventLog.flagFuture != 0 { report.futureDatedEvents += 1 }
            let id = env.id

            if EventLog.checksumBytes(env) != storedSum {
                problem(
                    .badChecksum, id, pos,
                    "its content does not match its checksum: it was changed after it was written")
            }

            let key = env.node + "\u{0}" + env.epoch
            if let prev = streams[key] {
                if env.seq == prev.seq + 1 {
                    if env.prevHash != EventLog.hex(prev.checksum) {
                        problem(
                            .brokenChain, id, pos,
                            "it does not chain onto seq \(prev.seq) (prevHash differs from that event's checksum): one of the two was changed")
                    }
                } else if env.seq > prev.seq + 1 {
                    let missing = env.seq - prev.seq - 1
                    problem(
                        .gap, id, pos,
                        missing == 1
                            ? "seq \(prev.seq + 1) of this node is missing (deleted, or never received)"
                            : "seqs \(prev.seq + 1) to \(env.seq - 1) of this node are missing (\(missing) events deleted, or never received)")
                } else {
                    problem(.outOfOrder, id, pos, "it comes after seq \(prev.seq) of the same node: the log was reordered or duplicated")
                }
            } else {
                report.streams += 1
                if env.seq == 1 {
                    if !env.prevHash.isEmpty {
                        problem(.brokenChain, id, pos, "it is the first event of its node but names a previous event")
                    }
                } else {
                    problem(
                        .gap, id, pos,
                        env.seq == 2
                            ? "seq 1 of this node is missing (deleted, or never received)"
                            : "seqs 1 to \(env.seq - 1) of this node are missing (deleted, or never received)")
                }
            }
            if env.seq > (streams[key]?.seq ?? 0) {
                streams[key] = Stream(seq: env.seq, checksum: storedSum)
            }
            try checkSignatures(env, id, pos)
        }
        report.unsignedRecords = awaiting.count

        // Our own stream must end where node_state says we are.
        if let own = try? EventLog.nodeState(db: db), own.seq > 0 {
            let last = streams[own.node + "\u{0}" + own.epoch]?.seq ?? 0
            if last < own.seq {
                let first = last + 1
                problem(
                    .missingTail, EventID(node: own.node, epoch: own.epoch, seq: first), nil,
                    first == own.seq
                        ? "this node wrote seq \(own.seq) but it is not in the log (deleted)"
                        : "this node wrote seqs up to \(own.seq) but \(first) to \(own.seq) are not in the log (deleted)")
            }
        }
        return report
    }
}

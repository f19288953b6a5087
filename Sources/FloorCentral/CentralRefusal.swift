import Foundation
import GRDB
import LocalStore
import MESCore

/// Why the central node refused a request: an HTTP status, a stable code and a plain message.
public struct CentralRefusal: Error, Equatable, Codable, CustomStringConvertible, Sendable {
    public var status: Int
    public var code: String
    public var message: String
    /// For `gap`: the seq to send from, and the epoch concerned.
    public var expected: Int64?
    public var epoch: String?

    public init(status: Int, code: String, message: String, expected: Int64? = nil, epoch: String? = nil) {
        self.status = status; self.code = code; self.message = message; self.expected = expected; self.epoch = epoch
    }
    public var description: String { message }

    /// The refusal for an error of decoding or applying a segment.
    public static func from(_ error: Error) -> CentralRefusal {
        switch error {
        case let r as CentralRefusal: return r
        case let e as Segment.DecodeError:
            switch e {
            case .tooLarge: return CentralRefusal(status: 413, code: "too_large", message: e.description)
            case .checksumMismatch, .countMismatch: return CentralRefusal(status: 422, code: "corrupt", message: e.description)
            case .unsigned, .badSignature: return CentralRefusal(status: 401, code: "bad_signature", message: e.description)
            default: return CentralRefusal(status: 400, code: "malformed", message: e.description)
            }
        case let e as IngestError:
            switch e {
            case .gap(_, let epoch, let expected, _):
                return CentralRefusal(status: 409, code: "gap", message: e.description, expected: expected, epoch: epoch)
            case .fork: return CentralRefusal(status: 409, code: "fork", message: e.description)
            case .badChecksum: return CentralRefusal(status: 422, code: "bad_checksum", message: e.description)
            case .brokenChain: return CentralRefusal(status: 422, code: "broken_chain", message: e.description)
            case .malformed: return CentralRefusal(status: 400, code: "malformed", message: e.description)
            }
        case let e as Replication.ReceiveError:
            switch e {
            case .foreignEvent: return CentralRefusal(status: 403, code: "foreign_event", message: e.description)
            case .positionGap: return CentralRefusal(status: 409, code: "position_gap", message: e.description)
            }
        case let e as Central.CentralError:
            switch e {
            case .unknownNode: return CentralRefusal(status: 401, code: "unknown_node", message: e.description)
            case .revoked: return CentralRefusal(status: 403, code: "revoked", message: e.description)
            }
        default:
            return CentralRefusal(status: 500, code: "internal", message: "the central node could not store the batch: \(error)")
        }
    }
}

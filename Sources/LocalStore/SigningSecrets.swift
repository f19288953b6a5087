import Crypto
import Foundation
import GRDB
import MESCore
import _CryptoExtras

/// Signing secrets: stored only as salted scrypt hashes (a PHC string,
/// `$scrypt$ln=15,r=8,p=1$<salt>$<key>`, base64 without padding), verified offline against the
/// hash the store holds, wrong secrets recorded and locking after `SigningRules.lockAfter`.
/// `docs/signatures.md` says why this cost, and what a stolen kiosk store gives away.
public enum SigningSecrets {
    /// scrypt's cost: 2^ln rounds, block size r, parallelism p (memory 128 · r · 2^ln bytes).
    public struct Cost: Equatable, Sendable {
        public var ln: Int, r: Int, p: Int
        public init(ln: Int, r: Int, p: Int) { self.ln = ln; self.r = r; self.p = p }
        /// 32 MiB and about a tenth of a second a guess on a kiosk-class core.
        public static let standard = Cost(ln: 15, r: 8, p: 1)
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case malformedHash
        public var description: String { "the stored signing hash is not one Floor can read" }
    }

    /// The PHC string of `secret` under a fresh 16-byte salt.
    public static func hash(_ secret: String, cost: Cost = .standard) throws -> String {
        var salt = [UInt8](repeating: 0, count: 16)
        var rng = SystemRandomNumberGenerator()
        for i in salt.indices { salt[i] = UInt8.random(in: 0...255, using: &rng) }
        let key = try derive(secret, salt: salt, cost: cost)
        return "$scrypt$ln=\(cost.ln),r=\(cost.r),p=\(cost.p)$\(b64(Data(salt)))$\(b64(key))"
    }

    /// Whether `secret` is the one `encoded` was made from (constant time in the comparison).
    public static func verify(_ secret: String, against encoded: String) throws -> Bool {
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: true)
        guard parts.count == 4, parts[0] == "scrypt", let salt = unb64(String(parts[2])), let expected = unb64(String(parts[3])) else {
            throw Failure.malformedHash
        }
        var params: [String: Int] = [:]
        for kv in parts[1].split(separator: ",") {
            let p = kv.split(separator: "=")
            if p.count == 2, let v = Int(p[1]) { params[String(p[0])] = v }
        }
        guard let ln = params["ln"], let r = params["r"], let p = params["p"], (10...20).contains(ln), (1...32).contains(r), (1...16).contains(p)
        else { throw Failure.malformedHash }
        let key = try derive(secret, salt: [UInt8](salt), cost: Cost(ln: ln, r: r, p: p), length: expected.count)
        guard key.count == expected.count else { return false }
        return zip(key, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func derive(_ secret: String, salt: [UInt8], cost: Cost, length: Int = 32) throws -> Data {
        let key = try KDF.Scrypt.deriveKey(
            from: Array(secret.utf8), salt: salt, outputByteCount: length, rounds: 1 << cost.ln, blockSize: cost.r, parallelism: cost.p)
        return key.withUnsafeBytes { Data($0) }
    }

    /// Sets `badge`'s secret, as `actor` at `station`. The person themself gives their current
    /// secret when they have one (a wrong one counts as a wrong signature); a supervisor resetting
    /// someone else's needs none, and the person must change it at next use. Strength is
    /// `SigningRules.weakness`. Nothing of `secret` is recorded but its hash.
    public static func set(
        _ secret: String, for badge: String, by actor: String, current: String?, service: FloorService, station: String,
        now: Date = Date(), cost: Cost = .standard
    ) throws -> Outcome {
        guard let plant = try service.plantIndex() else { throw ServiceError.noPlant }
        guard let person = plant.people[badge] else { return .refused(Refusal(.unknownBadge, "no person with badge \(badge)")) }
        if let why = SigningRules.weakness(secret, person: person) { return .refused(Refusal(.weakSecret, why)) }
        let state = try service.read { try $0.signing(badge) }
        if SigningRules.needsCurrentSecret(by: actor, for: badge, state: state), let state, let old = state.hash {
            if state.locked { return .refused(SigningRules.signingRefusal(state, person: person)!) }
            guard let current, try verify(current, against: old) else {
                _ = try service.run(.signatureFailed(badge: badge), badge: actor, station: station, now: now)
                return .refused(Refusal(.wrongSecret, "the current secret of \(person.name) is not right"))
            }
        }
        return try service.run(.setSigningSecret(badge: badge, hash: try hash(secret, cost: cost)), badge: actor, station: station, now: now)
    }

    /// Checks a signature's secret for `badge` at `station`: nil when it is right (a run of wrong
    /// ones then ends), else the refusal (no secret, locked, must change, wrong). A wrong secret
    /// is recorded (the fifth in a row locks), so a kiosk offline counts them too.
    /// `newSecret`: the secret was reset and `secret` is the one given: it is replaced first
    /// (`renew`), then the new one is checked.
    public static func check(
        _ secret: String, newSecret: String? = nil, for badge: String, service: FloorService, station: String, now: Date = Date()
    ) throws -> Refusal? {
        if let newSecret {
            if let refusal = try renew(secret, to: newSecret, for: badge, service: service, station: station, now: now) { return refusal }
            return try check(newSecret, for: badge, service: service, station: station, now: now)
        }
        guard let plant = try service.plantIndex() else { throw ServiceError.noPlant }
        guard let person = plant.people[badge] else { return Refusal(.unknownBadge, "no person with badge \(badge)") }
        let state = try service.read { try $0.signing(badge) }
        if let r = SigningRules.signingRefusal(state, person: person) { return r }
        guard let hash = state?.hash, try verify(secret, against: hash) else {
            let recorded = try service.run(.signatureFailed(badge: badge), badge: badge, station: station, now: now).events
            let locks = recorded.contains {
                if case .signingLocked = $0.event { return true }; return false
            }
            let locked = locks ? "; signing is now locked, a supervisor unlocks it" : ""
            return Refusal(.wrongSecret, "wrong secret for \(person.name)\(locked)")
        }
        // The Decider records an acceptance only when it ends a run of wrong secrets.
        _ = try service.run(.signatureAccepted(badge: badge), badge: badge, station: station, now: now)
        return nil
    }

    /// Decides and records `command` signed by `badge` with `secret`, at `station`: the secret is
    /// checked first (a wrong one is recorded, and nothing else is), then the command is decided
    /// as `badge`'s, and its signed records carry the signature (`FloorService.run(signature:)`).
    /// `method`: `.secretInSession` only where a session was opened with badge + secret.
    /// `newSecret`: the signer's secret was reset, `secret` is the one a supervisor gave, and this
    /// replaces it first (`renew`) and signs.
    public static func runSigned(
        _ command: Command, badge: String, secret: String, newSecret: String? = nil, service: FloorService, station: String,
        method: SignatureMethod = .badgeAndSecret, now: Date = Date()
    ) throws -> Outcome {
        if let refusal = try check(secret, newSecret: newSecret, for: badge, service: service, station: station, now: now) {
            return .refused(refusal)
        }
        return try service.store.write { db in try service.run(command, badge: badge, station: station, now: now, db: db, signature: method) }
    }

    /// At its first use after a reset (or at any time), a person replaces their secret with a new
    /// one of their own, giving the current one (a wrong one counts as a wrong signature). nil: done.
    public static func renew(
        _ current: String, to new: String, for badge: String, service: FloorService, station: String, now: Date = Date()
    )
        throws -> Refusal?
    {
        try set(new, for: badge, by: badge, current: current, service: service, station: station, now: now).refusal
    }

    static func b64(_ d: Data) -> String { d.base64EncodedString().replacingOccurrences(of: "=", with: "") }
    static func unb64(_ s: String) -> Data? {
        let padded = s + String(repeating: "=", count: (4 - s.count % 4) % 4)
        return Data(base64Encoded: padded)
    }
}

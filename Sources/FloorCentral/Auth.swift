import Foundation
import LocalStore

/// Request authentication between a node and the central node. Every request carries
///
///     Authorization: Floor node="K-SW1", sig="<hex>"
///
/// where `sig` is HMAC-SHA256, keyed with the node's enrollment secret, of
/// `METHOD \n PATH?QUERY \n sha256(body)`. The secret never crosses the wire. A replayed request
/// can only repeat what it did: pushes are idempotent and pulls read. (TLS, where the plant wants
/// confidentiality, goes in front: a reverse proxy or a plain HTTPS listener.)
public enum RequestAuth {
    public static let scheme = "Floor"

    public static func signature(method: String, target: String, body: some DataProtocol, secret: String) -> String {
        let bodyDigest = Segment.sha256Hex(Data(body))
        return Segment.signature(digest: "\(method)\n\(target)\n\(bodyDigest)", secret: secret)
    }

    public static func header(node: String, method: String, target: String, body: some DataProtocol, secret: String) -> String {
        "\(scheme) node=\"\(node)\", sig=\"\(signature(method: method, target: target, body: body, secret: secret))\""
    }

    /// The node and signature of an Authorization header, nil if it is not ours.
    public static func parse(_ header: String) -> (node: String, sig: String)? {
        guard header.hasPrefix(scheme + " ") else { return nil }
        var fields: [String: String] = [:]
        for part in header.dropFirst(scheme.count + 1).split(separator: ",") {
            let kv = part.split(separator: "=", maxSplits: 1)
            guard kv.count == 2 else { return nil }
            let key = kv[0].trimmingCharacters(in: .whitespaces)
            var value = kv[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            fields[key] = value
        }
        guard let node = fields["node"], let sig = fields["sig"], !node.isEmpty else { return nil }
        return (node, sig)
    }
}

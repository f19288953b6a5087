import Foundation
import GRDB
import LocalStore
import MESCore

extension CentralService {
    // MARK: Nodes, health, metrics

    public func nodes() async throws -> [Segment.NodeStatus] {
        try await read { db in try Central.nodes(db: db) }
    }

    public func healthJSON() -> String {
        "{\"ok\":true,\"node\":\"\(Central.nodeID)\",\"head\":\(currentHead),\"version\":\"\(MESCoreVersion.value)\"}"
    }

    /// Prometheus text format.
    public func metricsText() async -> String {
        let c = counterValues
        let nodes = (try? await self.nodes()) ?? []
        var lines = [
            "# HELP floor_head_position The central log's highest position.",
            "# TYPE floor_head_position gauge",
            "floor_head_position \(currentHead)",
            "# TYPE floor_pushes_total counter", "floor_pushes_total \(c.pushes)",
            "# TYPE floor_events_applied_total counter", "floor_events_applied_total \(c.eventsApplied)",
            "# TYPE floor_duplicates_total counter", "floor_duplicates_total \(c.duplicates)",
            "# TYPE floor_pulls_total counter", "floor_pulls_total \(c.pulls)",
            "# TYPE floor_group_commits_total counter", "floor_group_commits_total \(c.groupCommits)",
            "# TYPE floor_snapshots_total counter", "floor_snapshots_total \(c.snapshots)",
            "# TYPE floor_refused_total counter",
        ]
        for (code, n) in c.refused.sorted(by: { $0.key < $1.key }) { lines.append("floor_refused_total{code=\"\(code)\"} \(n)") }
        lines.append("# TYPE floor_node_pending gauge")
        for n in nodes { lines.append("floor_node_pending{node=\"\(n.node)\"} \(n.pending ?? 0)") }
        lines.append("# TYPE floor_node_position gauge")
        for n in nodes { lines.append("floor_node_position{node=\"\(n.node)\"} \(n.position ?? 0)") }
        return lines.joined(separator: "\n") + "\n"
    }
}

import GRDB
import MESCore

/// Read models kept up to date in the same transaction as the events that change them.
/// (Filled in by the projection work; the event log calls these two entry points.)
public enum Projections {
    /// Creates the projection tables (called from the migrator).
    public static func createTables(_ db: Database) throws {}
    /// Folds newly stored events into the read models, in the same transaction.
    public static func apply(_ envelopes: [EventEnvelope], _ db: Database) throws {}
}

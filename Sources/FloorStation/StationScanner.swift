import Foundation
import LocalStore
import ScannerInput

/// A station's scanner settings (timing thresholds from calibration, framing, the raw-`%`
/// setting), kept in the store's `meta` table under `station.<ID>.scanner`.
public enum StationScanner {
    public static func key(_ station: String) -> String { "station.\(station).scanner" }

    /// The station's saved settings, or the defaults.
    public static func saved(_ store: Store, station: String) -> WedgeSettings {
        guard let text = try? store.meta(key(station)),
            let s = try? JSONDecoder().decode(WedgeSettings.self, from: Data(text.utf8))
        else { return .defaults }
        return s
    }
}

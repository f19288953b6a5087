import ArgumentParser
import FloorCommandLine
import Foundation
import LocalStore
import MESCore

@main
struct Floor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "floor",
        abstract: "Floor: a scanner-first, offline-proof MES for the shop floor.",
        discussion: "Every command that touches a store takes --db PATH; without it $FLOOR_DB; without that \(StoreOptions.defaultPath).",
        version: MESCoreVersion.value,
        subcommands: [
            Demo.self, Kiosk.self, Dashboard.self, Supervisor.self, PlantCommand.self, OrdersCommand.self, Scan.self, ReportCommand.self,
            Simulate.self,
            AuditCommand.self, SyncCommand.self, CentralCommand.self, DocsCommand.self, PeopleCommand.self,
            NCRCommand.self, CAPACommand.self, LotsCommand.self, SPCCommand.self, EquipmentCommand.self,
        ])
}

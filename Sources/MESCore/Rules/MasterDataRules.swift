import Foundation

/// Who loads master data (a plant file, a work-order file). One rule for every caller: the
/// console, `floor plant load` / `floor orders load`, and any program using `MasterData`.
public enum MasterDataLoader: Equatable, Sendable {
    /// A person of the plant, by badge: the console's signed-in person, or `--by BADGE` on the
    /// command line.
    case person(badge: String)
    /// The command line with no person named: whoever can write the store file (the operating
    /// system's permissions decide, as they do for every other command that opens a store). The
    /// account is recorded as the actor, `cli:ACCOUNT`.
    case commandLine(account: String)

    /// The event actor that records who loaded.
    public var actor: String {
        switch self {
        case .person(let badge): return badge
        case .commandLine(let account): return "cli:" + (account.isEmpty ? "unknown" : account)
        }
    }
}

extension PlantIndex {
    /// The person whose plant-file `logins` name the operating-system account `account` (an
    /// SSH session is already authenticated): who the console and a command-line load are by.
    /// The first in file order when a plant file names one login twice.
    public func person(forLogin account: String) -> Person? {
        plant.people.first { $0.logins?.contains(account) == true }
    }
}

public enum MasterDataRules {
    /// Loading work orders releases them to the floor: a supervisor's job. `plant` is the plant
    /// loaded in the store (whose people are known).
    public static func loadOrdersRefusal(_ loader: MasterDataLoader, plant: PlantIndex) -> Refusal? {
        personRefusal(loader, plant: plant, what: "loading work orders")
    }

    /// Loading or changing the plant file changes routings, tolerances and people: a supervisor's
    /// job too. The first plant of a store has no people yet, so only the command line loads it.
    public static func loadPlantRefusal(_ loader: MasterDataLoader, current: PlantIndex?) -> Refusal? {
        guard let plant = current else {
            if case .person = loader {
                return Refusal(.unknownBadge, "no plant is loaded yet: the first plant file is loaded from the command line")
            }
            return nil
        }
        return personRefusal(loader, plant: plant, what: "loading the plant file")
    }

    static func personRefusal(_ loader: MasterDataLoader, plant: PlantIndex, what: String) -> Refusal? {
        guard case .person(let badge) = loader else {
            // Under change control nothing changes without a person who answers for it.
            if plant.plant.changeControl != nil {
                return Refusal(
                    .unattributedLoad, "\(what) is under change control: give --as BADGE (a supervisor, with their secret)")
            }
            return nil
        }
        guard let p = plant.people[badge] else { return Refusal(.unknownBadge, "no person with badge \(badge)") }
        return p.role >= .supervisor ? nil : Refusal(.insufficientRole, "\(what) needs a supervisor; \(p.name) is an \(p.role.label)")
    }
}

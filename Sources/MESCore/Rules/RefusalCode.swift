import Foundation

/// Every reason Floor gives for refusing something, in one catalogue: a stable code (scripts,
/// tests and the record read it; it never changes once shipped) and what it means. The start
/// gate's kinds (`BlockerKind`) are here too, under the same codes. `docs/refusal-codes.md` is
/// generated from this table (`RefusalCode.markdown`) and checked by a test.
public enum RefusalCode: String, CaseIterable, Sendable {
    /// The part is at another step of its routing.
    case notAtStep = "not_at_step"
    /// The part is already running (here or elsewhere).
    case alreadyRunning = "already_running"
    /// The part is on hold.
    case partOnHold = "part_on_hold"
    /// The part is finished or scrapped.
    case partTerminal = "part_terminal"
    /// The part's work order is on hold.
    case workOrderOnHold = "work_order_on_hold"
    /// The part's work order is cancelled.
    case workOrderCancelled = "work_order_cancelled"
    /// The step belongs to another work center than this station's.
    case wrongWorkCenter = "wrong_work_center"
    /// The station's machine is down.
    case machineDown = "machine_down"
    /// The machine or gauge is past its calibration date.
    case calibrationExpired = "calibration_expired"
    /// The person lacks the step's skill.
    case missingSkill = "missing_skill"
    /// The person's qualification for the step's skill has expired.
    case qualificationExpired = "qualification_expired"
    /// The person's role is below what the action needs.
    case insufficientRole = "insufficient_role"
    /// The step waits for its first piece to be passed.
    case waitingFirstPiece = "waiting_first_piece"
    /// The andon call was acknowledged already.
    case alreadyAcknowledged = "already_acknowledged"
    /// The work order is cancelled already.
    case alreadyCancelled = "already_cancelled"
    /// The machine is down already.
    case alreadyDown = "already_down"
    /// This station has an open andon call of that kind already.
    case andonOpen = "andon_open"
    /// Not an andon kind (help, quality, maintenance, material).
    case badAndon = "bad_andon"
    /// The code cannot mean anything (empty or malformed).
    case badCode = "bad_code"
    /// A good or scrap count that does not fit the batch.
    case badCount = "bad_count"
    /// Not a disposition, or not one allowed here.
    case badDisposition = "bad_disposition"
    /// A GS1 label that breaks the standard.
    case badGS1 = "bad_gs1"
    /// Not a blocker that an override can lift.
    case badOverride = "bad_override"
    /// The rework step is not a step of the work order's routing.
    case badReworkStep = "bad_rework_step"
    /// A measurement that is not a number (or PASS/FAIL).
    case badValue = "bad_value"
    /// A note with no text.
    case emptyNote = "empty_note"
    /// The scan reads like a keyboard-layout mismatch between scanner and kiosk.
    case layoutMismatch = "layout_mismatch"
    /// The material lot is past its expiry.
    case lotExpired = "lot_expired"
    /// The material lot is on hold.
    case lotOnHold = "lot_on_hold"
    /// A lot of each material of the step must be scanned first.
    case lotsMissing = "lots_missing"
    /// Measurements due at this step are not recorded yet.
    case measurementsMissing = "measurements_missing"
    /// The part has moved on since (nothing to undo or decide here).
    case movedOn = "moved_on"
    /// A supervisor's approval is needed.
    case needsApproval = "needs_approval"
    /// The hold needs a disposition first.
    case needsDisposition = "needs_disposition"
    /// The action needs a reason.
    case needsReason = "needs_reason"
    /// The action needs a reference (NOTE:).
    case needsReference = "needs_reference"
    /// The step completes only with an inspector's sign-off.
    case needsSignoff = "needs_signoff"
    /// The action needs a station.
    case needsStation = "needs_station"
    /// No open andon call of that kind.
    case noAndon = "no_andon"
    /// The GS1 label carries no GTIN.
    case noGtin = "no_gtin"
    /// No open hold to act on.
    case noHold = "no_hold"
    /// The label carries no lot.
    case noLot = "no_lot"
    /// No such override request, or it is used up or expired.
    case noOverride = "no_override"
    /// No part is selected.
    case noPart = "no_part"
    /// The label carries no serial.
    case noSerial = "no_serial"
    /// The machine is not down.
    case notDown = "not_down"
    /// The person has no signing secret yet.
    case noSecret = "no_secret"
    /// The person's signing is not locked.
    case notLocked = "not_locked"
    /// The person's signing is locked after too many wrong secrets.
    case signingLocked = "signing_locked"
    /// A supervisor reset the person's secret: they choose a new one first.
    case secretMustChange = "secret_must_change"
    /// The secret given is not the person's.
    case wrongSecret = "wrong_secret"
    /// The new secret is too weak.
    case weakSecret = "weak_secret"
    /// The record needs its signer's signature (badge + secret) given at this moment.
    case signatureRequired = "signature_required"
    /// The plant file has no change control.
    case notUnderChangeControl = "not_under_change_control"
    /// The routing version is obsolete.
    case routingObsolete = "routing_obsolete"
    /// The routing version is approved already.
    case alreadyApproved = "already_approved"
    /// Under change control, a master-data load names the person who loads it.
    case unattributedLoad = "unattributed_load"
    /// The part is not the pending first piece.
    case notFirstPiece = "not_first_piece"
    /// Nobody is logged in.
    case notLoggedIn = "not_logged_in"
    /// This blocker cannot be overridden.
    case notOverridable = "not_overridable"
    /// The part is not paused.
    case notPaused = "not_paused"
    /// The part is not running (here).
    case notRunning = "not_running"
    /// There is nothing to undo.
    case nothingToUndo = "nothing_to_undo"
    /// A person cannot approve their own request.
    case ownRequest = "own_request"
    /// The part is paused at another station.
    case pausedElsewhere = "paused_elsewhere"
    /// The reason is too short to mean something.
    case reasonTooShort = "reason_too_short"
    /// The sign-off must come from someone who did not work on the piece.
    case signoffByWorker = "signoff_by_worker"
    /// No person with that badge.
    case unknownBadge = "unknown_badge"
    /// No such characteristic at this step.
    case unknownCharacteristic = "unknown_characteristic"
    /// The code is not a serial, work order, badge or known label.
    case unknownCode = "unknown_code"
    /// Not a command this station knows.
    case unknownCommand = "unknown_command"
    /// No such equipment.
    case unknownEquipment = "unknown_equipment"
    /// No such gauge.
    case unknownGauge = "unknown_gauge"
    /// The GTIN is not a material or part of this plant.
    case unknownGtin = "unknown_gtin"
    /// No such part (traveler).
    case unknownPart = "unknown_part"
    /// Not one of the plant's reasons.
    case unknownReason = "unknown_reason"
    /// The part's routing version is not known here.
    case unknownRouting = "unknown_routing"
    /// No such work order.
    case unknownWorkOrder = "unknown_work_order"
    /// The inspector worked on the piece and cannot decide on it.
    case workedOnPiece = "worked_on_piece"
    /// The lot is of a material the step does not use.
    case wrongMaterial = "wrong_material"

    /// The material lot is in quarantine until incoming inspection releases it.
    case lotQuarantined = "lot_quarantined"
    /// The material lot was rejected at incoming inspection.
    case lotRejected = "lot_rejected"
    /// The material lot has no quantity left.
    case lotUsedUp = "lot_used_up"
    /// The plant uses only lots received into stock, and this one was not.
    case lotNotReceived = "lot_not_received"
    /// The lot was received already.
    case lotAlreadyReceived = "lot_already_received"
    /// No such material lot.
    case unknownLot = "unknown_lot"
    /// No such nonconformance report.
    case unknownNCR = "unknown_ncr"
    /// The nonconformance report is closed.
    case ncrClosed = "ncr_closed"
    /// The nonconformance report needs a disposition first.
    case ncrNotDispositioned = "ncr_not_dispositioned"
    /// The nonconformance report has a disposition already.
    case ncrDispositioned = "ncr_dispositioned"
    /// A critical or major nonconformance closes only with its containment written.
    case needsContainment = "needs_containment"
    /// Not one of the plant's defect codes.
    case unknownDefect = "unknown_defect"

    /// The CAPA is closed.
    case capaClosed = "capa_closed"
    /// No such CAPA.
    case unknownCAPA = "unknown_capa"
    /// The CAPA closes only with its root cause, every action done and an effectiveness check passed.
    case capaIncomplete = "capa_incomplete"
    /// A receipt at a receiving station still lacks its quantity or supplier.
    case receiptIncomplete = "receipt_incomplete"
    /// A receiving station's code at a station that does not receive, or the other way round.
    case notReceiving = "not_receiving"
    /// A lot's incoming inspection lacks readings its material's plan asks for.
    case inspectionIncomplete = "inspection_incomplete"
    /// A reading at incoming inspection was out of tolerance: the lot is rejected, not released.
    case inspectionFailed = "inspection_failed"
    /// A control chart signalled at this station and nobody has acknowledged it yet.
    case spcSignalOpen = "spc_signal_open"
    /// A control chart's signal stopped the step at this station until an inspector clears it.
    case spcStopped = "spc_stopped"
    /// The baseline has too few subgroups (or no spread) to set control limits from.
    case spcBaselineShort = "spc_baseline_short"
    /// The plant file charts no such part, step and characteristic.
    case unknownChart = "unknown_chart"
    /// There is no open signal to acknowledge or clear.
    case spcNothingOpen = "spc_nothing_open"
    /// A date that cannot be right (a calibration in the future, due before it was done).
    case badDate = "bad_date"
    /// The characteristic is read only with a gauge scanned first (`EQ:`).
    case gaugeRequired = "gauge_required"

    /// What the code means, in words.
    public var meaning: String {
        switch self {
        case .notAtStep: return "the part is at another step of its routing"
        case .alreadyRunning: return "the part is already running (here or elsewhere)"
        case .partOnHold: return "the part is on hold"
        case .partTerminal: return "the part is finished or scrapped"
        case .workOrderOnHold: return "the part's work order is on hold"
        case .workOrderCancelled: return "the part's work order is cancelled"
        case .wrongWorkCenter: return "the step belongs to another work center than this station's"
        case .machineDown: return "the station's machine is down"
        case .calibrationExpired: return "the machine or gauge is past its calibration date"
        case .missingSkill: return "the person lacks the step's skill"
        case .qualificationExpired: return "the person's certification for the step's skill has expired"
        case .insufficientRole: return "the person's role is below what the action needs"
        case .waitingFirstPiece: return "the step waits for its first piece to be passed"
        case .alreadyAcknowledged: return "the andon call was acknowledged already"
        case .alreadyCancelled: return "the work order is cancelled already"
        case .alreadyDown: return "the machine is down already"
        case .andonOpen: return "this station has an open andon call of that kind already"
        case .badAndon: return "not an andon kind (help, quality, maintenance, material)"
        case .badCode: return "the code cannot mean anything (empty or malformed)"
        case .badCount: return "a good or scrap count that does not fit the batch"
        case .badDisposition: return "not a disposition, or not one allowed here"
        case .badGS1: return "a GS1 label that breaks the standard"
        case .badOverride: return "not a blocker that an override can lift"
        case .badReworkStep: return "the rework step is not a step of the work order's routing"
        case .badValue: return "a measurement that is not a number (or PASS/FAIL)"
        case .emptyNote: return "a note with no text"
        case .layoutMismatch: return "the scan reads like a keyboard-layout mismatch between scanner and kiosk"
        case .lotExpired: return "the material lot is past its expiry"
        case .lotOnHold: return "the material lot is on hold"
        case .lotsMissing: return "a lot of each material of the step must be scanned first"
        case .measurementsMissing: return "measurements due at this step are not recorded yet"
        case .movedOn: return "the part has moved on since (nothing to undo or decide here)"
        case .needsApproval: return "a supervisor's approval is needed"
        case .needsDisposition: return "the hold needs a disposition first"
        case .needsReason: return "the action needs a reason"
        case .needsReference: return "the action needs a reference (NOTE:)"
        case .needsSignoff: return "the step completes only with an inspector's sign-off"
        case .needsStation: return "the action needs a station"
        case .noAndon: return "no open andon call of that kind"
        case .noGtin: return "the GS1 label carries no GTIN"
        case .noHold: return "no open hold to act on"
        case .noLot: return "the label carries no lot"
        case .noOverride: return "no such override request, or it is used up or expired"
        case .noPart: return "no part is selected"
        case .noSerial: return "the label carries no serial"
        case .notDown: return "the machine is not down"
        case .noSecret: return "the person has no signing secret yet"
        case .notLocked: return "the person's signing is not locked"
        case .signingLocked: return "the person's signing is locked after too many wrong secrets"
        case .secretMustChange: return "the person's secret was reset by a supervisor and must be changed first"
        case .wrongSecret: return "the secret given is not the person's"
        case .weakSecret: return "the new secret is too weak (length, variety, badge or name)"
        case .signatureRequired: return "the record needs its signer's badge + secret, given at this moment"
        case .notUnderChangeControl: return "the plant file has no change control"
        case .routingObsolete: return "the routing version is obsolete"
        case .alreadyApproved: return "the routing version is approved already"
        case .unattributedLoad: return "under change control, a load names the person who loads it"
        case .notFirstPiece: return "the part is not the pending first piece"
        case .notLoggedIn: return "nobody is logged in"
        case .notOverridable: return "this blocker cannot be overridden"
        case .notPaused: return "the part is not paused"
        case .notRunning: return "the part is not running (here)"
        case .nothingToUndo: return "there is nothing to undo"
        case .ownRequest: return "a person cannot approve their own request"
        case .pausedElsewhere: return "the part is paused at another station"
        case .reasonTooShort: return "the reason is too short to mean something"
        case .signoffByWorker: return "the sign-off must come from someone who did not work on the piece"
        case .unknownBadge: return "no person with that badge"
        case .unknownCharacteristic: return "no such characteristic at this step"
        case .unknownCode: return "the code is not a serial, work order, badge or known label"
        case .unknownCommand: return "not a command this station knows"
        case .unknownEquipment: return "no such equipment"
        case .unknownGauge: return "no such gauge"
        case .unknownGtin: return "the GTIN is not a material or part of this plant"
        case .unknownPart: return "no such part (traveler)"
        case .unknownReason: return "not one of the plant's reasons"
        case .unknownRouting: return "the part's routing version is not known here"
        case .unknownWorkOrder: return "no such work order"
        case .workedOnPiece: return "the inspector worked on the piece and cannot decide on it"
        case .wrongMaterial: return "the lot is of a material the step does not use"
        case .lotQuarantined: return "the material lot is in quarantine until incoming inspection releases it"
        case .lotRejected: return "the material lot was rejected at incoming inspection"
        case .lotUsedUp: return "the material lot has no quantity left"
        case .lotNotReceived: return "the plant uses only lots received into stock, and this one was not"
        case .lotAlreadyReceived: return "the lot was received already"
        case .unknownLot: return "no such material lot"
        case .unknownNCR: return "no such nonconformance report"
        case .ncrClosed: return "the nonconformance report is closed"
        case .ncrNotDispositioned: return "the nonconformance report needs a disposition first"
        case .ncrDispositioned: return "the nonconformance report has a disposition already"
        case .needsContainment: return "a critical or major nonconformance closes only with its containment written"
        case .unknownDefect: return "not one of the plant's defect codes"
        case .capaClosed: return "the CAPA is closed"
        case .unknownCAPA: return "no such CAPA"
        case .capaIncomplete: return "the CAPA closes only with its root cause, every action done and an effectiveness check passed"
        case .receiptIncomplete: return "a lot is received with its quantity and supplier"
        case .inspectionIncomplete: return "incoming inspection has not taken every reading its plan asks for"
        case .inspectionFailed: return "a reading at incoming inspection was out of tolerance: the lot is rejected, not released"
        case .spcSignalOpen: return "a control chart signalled at this station: the operator acknowledges it, with a reason, before the next start"
        case .spcStopped: return "a control chart's signal stopped the step at this station until an inspector clears it"
        case .spcBaselineShort: return "the baseline has too few subgroups, or no spread, to set control limits from"
        case .unknownChart: return "the plant file charts no such part, step and characteristic"
        case .spcNothingOpen: return "there is no open signal to acknowledge or clear"
        case .badDate: return "a date that cannot be right (a calibration in the future, or due before it was done)"
        case .gaugeRequired: return "the characteristic is read only with a gauge: scan its EQ: code first"
        case .notReceiving: return "receiving codes are for a receiving station, and a receiving station does not work travelers"
        }
    }

    /// The code of a start-gate blocker.
    public init(_ kind: BlockerKind) { self = RefusalCode(rawValue: kind.rawValue)! }

    /// The catalogue as a Markdown page (`docs/refusal-codes.md`).
    public static var markdown: String {
        var out = """
            # Refusal codes

            Generated from `RefusalCode` (`Sources/MESCore/Rules/RefusalCode.swift`); a test fails when
            this page is out of date. A refusal lists every reason that applies, each with one of
            these codes and words for people: `floor scan` and the screens show the words, scripts and tests
            compare the codes.

            | code | meaning |
            |---|---|

            """
        for c in allCases { out += "| `\(c.rawValue)` | \(c.meaning) |\n" }
        return out
    }
}

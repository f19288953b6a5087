import Foundation

/// A lot being received at a receiving station: started by the supplier's label (GS1: material
/// by GTIN, lot from AI 10, expiry from AI 17, count from AI 37/30) or a typed `LOT:` code, then
/// completed field by field (`QTY:`, `SUP:`, `COC:`, `EXP:`) until `CMD:RECEIVE` records it. The
/// receipt itself is decided by the Decider's `receiveLot`; the draft only says what is missing.
public struct ReceiptDraft: Equatable, Sendable {
    public var material: String
    public var materialName: String
    public var unit: String
    public var lot: String
    public var quantity: Double?
    public var supplier: String?
    public var certificate: String?
    public var expiry: LocalDate?
    /// Its lots go to quarantine at receipt (the material needs incoming inspection).
    public var quarantine: Bool
    /// Where each value came from, for the screen ("label", "typed", "plant file").
    public var sources: [Field: String] = [:]

    public enum Field: String, CaseIterable, Sendable { case quantity, supplier, certificate, expiry }

    /// A draft for `lot` of `material`, with what the label carried and the material's own supplier.
    public init(material m: Material, lot: String, expiry: LocalDate? = nil, count: Int? = nil, fromLabel: Bool) {
        material = m.id; materialName = m.name; unit = m.unit; self.lot = lot
        quarantine = m.incomingInspection ?? false
        let from = fromLabel ? "label" : "typed"
        if let expiry { self.expiry = expiry; sources[.expiry] = from }
        if let count, count > 0 { quantity = Double(count); sources[.quantity] = from }
        if let s = m.supplier, !s.isEmpty { supplier = s; sources[.supplier] = "plant file" }
    }

    /// What must still be given before it can be received, in the order to ask for it.
    public var missing: [Field] {
        var out: [Field] = []
        if quantity == nil { out.append(.quantity) }
        if (supplier ?? "").trimmingCharacters(in: .whitespaces).isEmpty { out.append(.supplier) }
        return out
    }

    /// How to give a missing field, as the station's codes write it.
    public static func code(for field: Field) -> String {
        switch field {
        case .quantity: return "QTY:<quantity>"
        case .supplier: return "SUP:<supplier>"
        case .certificate: return "COC:<certificate>"
        case .expiry: return "EXP:<YYYY-MM-DD>"
        }
    }

    /// A quantity as people write it: whole numbers without a decimal point.
    public static func quantityText(_ q: Double) -> String {
        q == q.rounded() && abs(q) < 1e15 ? String(Int64(q)) : String(q)
    }

    /// The receipt to decide, or what is still missing.
    public var command: Result<Command, Refusal> {
        let m = missing
        guard m.isEmpty, let quantity, let supplier else {
            return .failure(
                Refusal(
                    .receiptIncomplete,
                    "the receipt of lot \(lot) still needs " + m.map { "its \($0.rawValue) (\(Self.code(for: $0)))" }.joined(separator: " and ")))
        }
        return .success(
            .quality(.receiveLot(material: material, lot: lot, quantity: quantity, supplier: supplier, certificate: certificate, expiry: expiry)))
    }
}

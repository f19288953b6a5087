import Foundation

/// One lot of a lot file (`floor lots load`): a receipt as an ERP exports it.
public struct LotLine: Equatable, Sendable {
    public var line: Int
    public var material: String
    public var lot: String
    public var quantity: Double
    public var supplier: String
    public var certificate: String?
    public var expiry: LocalDate?
    public init(
        line: Int, material: String, lot: String, quantity: Double, supplier: String, certificate: String? = nil, expiry: LocalDate? = nil
    ) {
        self.line = line; self.material = material; self.lot = lot; self.quantity = quantity; self.supplier = supplier
        self.certificate = certificate; self.expiry = expiry
    }
}

/// Reads a lot file (`docs/plant-file.md`, CSV with a header row) against the plant and the lots
/// already received: every problem reported with its line, nothing loaded unless the whole file
/// is right (the work-order file's rules).
public enum LotCSV {
    /// The columns of the file; the header may list them in any order.
    public static let columns = ["material", "lot", "quantity", "unit", "supplier", "certificate", "expiry"]
    public static let requiredColumns = ["material", "lot", "quantity", "supplier"]

    /// A lot already received here, as the file would describe it (for the unchanged check).
    public struct Known: Equatable, Sendable {
        public var quantity: Double
        public var supplier: String
        public var certificate: String?
        public var expiry: LocalDate?
        public init(quantity: Double, supplier: String, certificate: String?, expiry: LocalDate?) {
            self.quantity = quantity; self.supplier = supplier; self.certificate = certificate; self.expiry = expiry
        }
    }

    /// The lines to receive (lots received before with the same content are left out), or every
    /// problem. `existing` is keyed `MATERIAL:LOT`.
    public static func parse(_ text: String, file: String, plant: Plant, existing: [String: Known] = [:]) -> Result<[LotLine], FileProblems> {
        var problems: [FileProblem] = []
        func report(_ line: Int, _ column: Int?, _ field: String, _ message: String) {
            problems.append(FileProblem(file: file, line: line, column: column, field: field, message: message))
        }
        guard let sheet = CSVSheet.read(text, columns: columns, required: requiredColumns, report: report) else {
            return .failure(FileProblems(problems))
        }
        let materials = Dictionary(plant.materials.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let ids = plant.materials.map(\.id)
        var seen: [String: Int] = [:]
        var out: [LotLine] = []
        for row in sheet.rows {
            var ok = row.clean
            func bad(_ name: String, _ message: String) {
                report(row.line, row.column(name), name, message)
                ok = false
            }
            let material = row.value("material")
            let m = materials[material]
            if material.isEmpty {
                if row.has("material") { bad("material", "missing material") } else { ok = false }
            } else if m == nil {
                var message = "unknown material \"\(Sanitize.line(material))\""
                if let s = FileHints.suggestion(for: material, among: ids) { message += "; did you mean \"\(s)\"?" }
                bad("material", message)
            }
            let lot = row.value("lot")
            if lot.isEmpty {
                if row.has("lot") { bad("lot", "missing lot number") } else { ok = false }
            } else if let why = QualityRules.lotNumberRefusal(lot) {
                bad("lot", why.message)
            } else if let first = seen[material + ":" + lot] {
                bad("lot", "lot \(Sanitize.line(lot)) of \(Sanitize.line(material)) is already on line \(first)")
            } else {
                seen[material + ":" + lot] = row.line
            }
            let quantityText = row.value("quantity")
            let quantity = Double(quantityText)
            if quantity == nil || !(quantity! > 0) || !quantity!.isFinite {
                if row.has("quantity") {
                    bad(
                        "quantity",
                        quantityText.isEmpty
                            ? "missing quantity" : "quantity must be a number greater than 0, found \"\(Sanitize.line(quantityText))\"")
                } else {
                    ok = false
                }
            }
            let unit = row.value("unit")
            if let m, !unit.isEmpty, unit != m.unit {
                bad("unit", "unit \"\(Sanitize.line(unit))\" is not \(m.id)'s unit \(m.unit) (Floor does not convert units)")
            }
            let supplier = row.value("supplier")
            if supplier.isEmpty {
                if row.has("supplier") { bad("supplier", "missing supplier (a received lot is traced to its supplier)") } else { ok = false }
            } else if supplier.unicodeScalars.contains(where: Sanitize.isControl) {
                bad("supplier", "supplier \"\(Sanitize.line(supplier))\" holds a control character")
            }
            let certificate = row.value("certificate")
            if certificate.unicodeScalars.contains(where: Sanitize.isControl) {
                bad("certificate", "certificate \"\(Sanitize.line(certificate))\" holds a control character")
            }
            let expiryText = row.value("expiry")
            let expiry = LocalDate(expiryText)
            if !expiryText.isEmpty, expiry == nil { bad("expiry", "bad expiry date \"\(Sanitize.line(expiryText))\" (expected YYYY-MM-DD)") }
            guard ok, let quantity else { continue }
            let line = LotLine(
                line: row.line, material: material, lot: lot, quantity: quantity, supplier: supplier,
                certificate: certificate.isEmpty ? nil : certificate, expiry: expiry)
            if let known = existing[material + ":" + lot] {
                let mine = Known(quantity: quantity, supplier: supplier, certificate: line.certificate, expiry: expiry)
                if known != mine {
                    bad("lot", "lot \(Sanitize.line(lot)) of \(material) was received already with different content (\(differences(known, mine)))")
                }
                continue
            }
            out.append(line)
        }
        if !problems.isEmpty { return .failure(FileProblems(problems)) }
        return .success(out)
    }

    static func differences(_ a: Known, _ b: Known) -> String {
        var out: [String] = []
        func diff(_ name: String, _ x: String, _ y: String) {
            if x != y { out.append("\(name) \"\(Sanitize.line(x))\" → \"\(Sanitize.line(y))\"") }
        }
        diff("quantity", String(format: "%g", a.quantity), String(format: "%g", b.quantity))
        diff("supplier", a.supplier, b.supplier)
        diff("certificate", a.certificate ?? "", b.certificate ?? "")
        diff("expiry", a.expiry?.description ?? "", b.expiry?.description ?? "")
        return out.joined(separator: ", ")
    }
}

import Foundation

/// Turns domain events into the log's (type, version, payload JSON) and back.
public enum EventCodec {
    /// Canonical JSON: sorted keys, no escaped slashes, so equal payloads give equal bytes.
    public static func encode<T: Encodable>(_ value: T) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding our own value types cannot fail.
        return String(decoding: try! e.encode(value), as: UTF8.self)
    }

    public static func payload(of event: DomainEvent) -> String {
        switch event {
        case .plantLoaded(let p): return encode(p)
        case .workOrderReleased(let p): return encode(p)
        case .workOrderHeld(let p): return encode(p)
        case .workOrderHoldReleased(let p): return encode(p)
        case .workOrderCancelled(let p): return encode(p)
        case .workOrderPriority(let p): return encode(p)
        case .stepStarted(let p): return encode(p)
        case .stepPaused(let p): return encode(p)
        case .stepResumed(let p): return encode(p)
        case .stepCompleted(let p): return encode(p)
        case .stepUndone(let p): return encode(p)
        case .measurementRecorded(let p): return encode(p)
        case .materialConsumed(let p): return encode(p)
        case .partHeld(let p): return encode(p)
        case .partHoldReleased(let p): return encode(p)
        case .dispositionDecided(let p): return encode(p)
        case .scrapRecorded(let p): return encode(p)
        case .fpiDesignated(let p): return encode(p)
        case .fpiPassed(let p), .fpiFailed(let p), .fpiWaived(let p): return encode(p)
        case .overrideRequested(let p): return encode(p)
        case .overrideApproved(let p): return encode(p)
        case .overrideUsed(let p): return encode(p)
        case .downtimeStarted(let p): return encode(p)
        case .downtimeEnded(let p): return encode(p)
        case .lotHeld(let p): return encode(p)
        case .lotHoldReleased(let p): return encode(p)
        case .noteAdded(let p): return encode(p)
        case .andonCalled(let p): return encode(p)
        case .andonAcknowledged(let p), .andonCleared(let p): return encode(p)
        case .signingSecretSet(let p): return encode(p)
        case .signatureFailed(let p), .signatureAccepted(let p): return encode(p)
        case .signingLocked(let p), .signingUnlocked(let p): return encode(p)
        case .qualificationGranted(let p): return encode(p)
        case .qualificationRevoked(let p): return encode(p)
        case .signatureApplied(let p): return encode(p)
        case .routingApproved(let p): return encode(p)
        case .quality(let q): return q.payload
        case .unknown(_, _, let payload): return payload
        }
    }

    /// The (type, version 1) pairs this build decodes.
    public static let knownTypes: Set<String> = Set([
        "plant.loaded", "wo.released", "wo.held", "wo.hold_released", "wo.cancelled", "wo.priority", "step.started", "step.paused", "step.resumed",
        "step.completed", "step.undone", "measurement.recorded", "material.consumed", "part.held", "part.hold_released", "disposition.decided",
        "scrap.recorded", "fpi.designated", "fpi.passed", "fpi.failed", "fpi.waived", "override.requested", "override.approved", "override.used",
        "downtime.started", "downtime.ended", "lot.held", "lot.hold_released", "note.added", "andon.called", "andon.acknowledged", "andon.cleared",
        "signing.secret_set", "signing.failed", "signing.accepted", "signing.locked", "signing.unlocked",
        "signature.applied", "routing.approved", "qualification.granted", "qualification.revoked",
    ]).union(QualityEvent.types)

    /// Whether this build knows an event's type and version, without decoding its payload (the
    /// central node, which stores events without folding them, flags unknown ones by this).
    public static func knows(type: String, version: Int) -> Bool { version == 1 && knownTypes.contains(type) }

    /// One decoder for every call (it holds no state between calls; building one per event was a
    /// measurable part of reading a log).
    private static let decoder = JSONDecoder()

    /// Decodes a stored event. A type or version this build does not know, or a payload that does
    /// not decode, gives `.unknown` so that the stream is never blocked by it.
    public static func decode(type: String, version: Int, payload: String) -> DomainEvent {
        guard version == 1 else { return .unknown(type: type, version: version, payload: payload) }
        let data = Data(payload.utf8)
        func d<T: Decodable>(_ t: T.Type) -> T? { try? decoder.decode(t, from: data) }
        let event: DomainEvent?
        switch type {
        case "plant.loaded": event = d(PlantLoaded.self).map(DomainEvent.plantLoaded)
        case "wo.released": event = d(WorkOrderReleased.self).map(DomainEvent.workOrderReleased)
        case "wo.held": event = d(WorkOrderHeld.self).map(DomainEvent.workOrderHeld)
        case "wo.hold_released": event = d(HoldReleased.self).map(DomainEvent.workOrderHoldReleased)
        case "wo.cancelled": event = d(WorkOrderCancelled.self).map(DomainEvent.workOrderCancelled)
        case "wo.priority": event = d(WorkOrderPriority.self).map(DomainEvent.workOrderPriority)
        case "step.started": event = d(StepStarted.self).map(DomainEvent.stepStarted)
        case "step.paused": event = d(StepPaused.self).map(DomainEvent.stepPaused)
        case "step.resumed": event = d(StepResumed.self).map(DomainEvent.stepResumed)
        case "step.completed": event = d(StepCompleted.self).map(DomainEvent.stepCompleted)
        case "step.undone": event = d(StepUndone.self).map(DomainEvent.stepUndone)
        case "measurement.recorded": event = d(MeasurementRecorded.self).map(DomainEvent.measurementRecorded)
        case "material.consumed": event = d(MaterialConsumed.self).map(DomainEvent.materialConsumed)
        case "part.held": event = d(PartHeld.self).map(DomainEvent.partHeld)
        case "part.hold_released": event = d(HoldReleased.self).map(DomainEvent.partHoldReleased)
        case "disposition.decided": event = d(DispositionDecided.self).map(DomainEvent.dispositionDecided)
        case "scrap.recorded": event = d(ScrapRecorded.self).map(DomainEvent.scrapRecorded)
        case "fpi.designated": event = d(FPIDesignated.self).map(DomainEvent.fpiDesignated)
        case "fpi.passed": event = d(FPIVerdictEvent.self).map(DomainEvent.fpiPassed)
        case "fpi.failed": event = d(FPIVerdictEvent.self).map(DomainEvent.fpiFailed)
        case "fpi.waived": event = d(FPIVerdictEvent.self).map(DomainEvent.fpiWaived)
        case "override.requested": event = d(OverrideRequested.self).map(DomainEvent.overrideRequested)
        case "override.approved": event = d(OverrideApproved.self).map(DomainEvent.overrideApproved)
        case "override.used": event = d(OverrideUsed.self).map(DomainEvent.overrideUsed)
        case "downtime.started": event = d(DowntimeStarted.self).map(DomainEvent.downtimeStarted)
        case "downtime.ended": event = d(DowntimeEnded.self).map(DomainEvent.downtimeEnded)
        case "lot.held": event = d(LotHeld.self).map(DomainEvent.lotHeld)
        case "lot.hold_released": event = d(HoldReleased.self).map(DomainEvent.lotHoldReleased)
        case "note.added": event = d(NoteAdded.self).map(DomainEvent.noteAdded)
        case "andon.called": event = d(AndonCalled.self).map(DomainEvent.andonCalled)
        case "andon.acknowledged": event = d(AndonAnswered.self).map(DomainEvent.andonAcknowledged)
        case "andon.cleared": event = d(AndonAnswered.self).map(DomainEvent.andonCleared)
        case "signing.secret_set": event = d(SigningSecretSet.self).map(DomainEvent.signingSecretSet)
        case "signing.failed": event = d(SigningAttempt.self).map(DomainEvent.signatureFailed)
        case "signing.accepted": event = d(SigningAttempt.self).map(DomainEvent.signatureAccepted)
        case "signing.locked": event = d(SigningPerson.self).map(DomainEvent.signingLocked)
        case "signing.unlocked": event = d(SigningPerson.self).map(DomainEvent.signingUnlocked)
        case "qualification.granted": event = d(QualificationGranted.self).map(DomainEvent.qualificationGranted)
        case "qualification.revoked": event = d(QualificationRevoked.self).map(DomainEvent.qualificationRevoked)
        case "signature.applied": event = d(SignatureApplied.self).map(DomainEvent.signatureApplied)
        case "routing.approved": event = d(RoutingApproved.self).map(DomainEvent.routingApproved)
        default: event = QualityEvent.decode(type: type, data, decoder).map(DomainEvent.quality)
        }
        return event ?? .unknown(type: type, version: version, payload: payload)
    }
}

/// An event as the folds see it: what happened, who did it, and where it sorts.
public struct RecordedEvent: Equatable, Sendable {
    public var id: EventID
    public var order: OrderKey
    public var actor: String
    public var event: DomainEvent
    public init(id: EventID, order: OrderKey, actor: String, event: DomainEvent) {
        self.id = id; self.order = order; self.actor = actor; self.event = event
    }
    public init(envelope: EventEnvelope) {
        self.init(
            id: envelope.id, order: envelope.orderKey, actor: envelope.actor,
            event: EventCodec.decode(type: envelope.type, version: envelope.typeVersion, payload: envelope.payload))
    }
    /// With the payload already decoded (so a stored event is decoded once).
    public init(envelope: EventEnvelope, event: DomainEvent) {
        self.init(id: envelope.id, order: envelope.orderKey, actor: envelope.actor, event: event)
    }
    /// When it happened (HLC physical part).
    public var time: Date { order.hlc.date }
    public var millis: Int64 { order.hlc.wall }
}

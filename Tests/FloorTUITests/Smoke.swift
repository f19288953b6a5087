import Testing

@testable import FloorTUI

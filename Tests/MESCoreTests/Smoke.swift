import Testing

@testable import MESCore

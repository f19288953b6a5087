import Testing

@testable import LocalStore

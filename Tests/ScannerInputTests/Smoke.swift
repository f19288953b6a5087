import Testing

@testable import ScannerInput

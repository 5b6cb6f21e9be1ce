import Testing
@testable import JailKit

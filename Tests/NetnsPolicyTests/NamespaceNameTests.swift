import Testing
@testable import NetnsPolicy

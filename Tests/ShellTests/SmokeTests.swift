import XCTest
final class ShellSmokeTests: XCTestCase { func testBuilds() { XCTAssertTrue(true) } }

import XCTest
final class InterpreterSmokeTests: XCTestCase { func testBuilds() { XCTAssertTrue(true) } }

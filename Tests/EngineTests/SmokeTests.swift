import XCTest
final class EngineSmokeTests: XCTestCase { func testBuilds() { XCTAssertTrue(true) } }

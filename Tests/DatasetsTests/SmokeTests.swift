import XCTest
final class DatasetsSmokeTests: XCTestCase { func testBuilds() { XCTAssertTrue(true) } }

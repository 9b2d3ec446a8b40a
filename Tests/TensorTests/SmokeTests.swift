import XCTest
final class TensorSmokeTests: XCTestCase { func testBuilds() { XCTAssertTrue(true) } }

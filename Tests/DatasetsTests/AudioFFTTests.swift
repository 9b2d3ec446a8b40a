import Foundation
import XCTest
@testable import Datasets

/// The FFTW wrappers against a direct DFT (sizes librosa uses: 400, 512, 551, 2048).
final class AudioFFTTests: XCTestCase {
    private func signal(_ n: Int, seed: UInt32) -> [Double] {
        var rng = RandomState(seed: seed)
        return (0..<n).map { _ in rng.uniform() * 2 - 1 }
    }

    func testForwardMatchesDirectDFT() {
        for n in [400, 512, 551, 2048] {
            let x = signal(n, seed: UInt32(n))
            let fft = RealFFT(size: n)
            for i in 0..<n { fft.input[i] = x[i] }
            fft.execute()
            for k in [0, 1, 7, n / 4, n / 2] {
                var re = 0.0, im = 0.0
                for (j, v) in x.enumerated() {
                    let a = -2 * Double.pi * Double(k * j % n) / Double(n)
                    re += v * cos(a)
                    im += v * sin(a)
                }
                XCTAssertEqual(fft.output[2 * k], re, accuracy: 1e-9, "n \(n) k \(k)")
                XCTAssertEqual(fft.output[2 * k + 1], im, accuracy: 1e-9, "n \(n) k \(k)")
            }
        }
    }

    func testInverseRoundTrip() {
        for n in [400, 2048] {
            let x = signal(n, seed: 9)
            let fft = RealFFT(size: n), ifft = InverseRealFFT(size: n)
            for i in 0..<n { fft.input[i] = x[i] }
            fft.execute()
            for i in 0..<(2 * (n / 2 + 1)) { ifft.input[i] = fft.output[i] }
            ifft.execute()
            let worst = (0..<n).map { abs(ifft.output[$0] / Double(n) - x[$0]) }.max()!
            XCTAssertLessThan(worst, 1e-13, "n \(n)")
        }
    }
}

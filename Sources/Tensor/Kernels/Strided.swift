import Dispatch

/// Iteration over an n-d index space shared by several operands with their own strides.
///
/// Dims of size 1 are dropped and adjacent dims that are contiguous for every operand are merged,
/// so a contiguous or row-broadcast op runs as few long rows; the body gets each row's start
/// offsets and length, and reads the per-operand inner strides from `innerStrides`.
struct StridedLoop {
    private(set) var shape: [Int]
    private(set) var strides: [[Int]]

    init(shape: [Int], strides: [[Int]]) {
        var sh: [Int] = []
        var st: [[Int]] = Array(repeating: [], count: strides.count)
        for d in 0..<shape.count where shape[d] != 1 {
            if !sh.isEmpty, strides.indices.allSatisfy({ st[$0][st[$0].count - 1] == strides[$0][d] * shape[d] }) {
                sh[sh.count - 1] *= shape[d]
                for k in strides.indices { st[k][st[k].count - 1] = strides[k][d] }
            } else {
                sh.append(shape[d])
                for k in strides.indices { st[k].append(strides[k][d]) }
            }
        }
        if sh.isEmpty {
            sh = [shape.contains(0) ? 0 : 1]
            for k in strides.indices { st[k] = [0] }
        }
        self.shape = sh
        self.strides = st
    }

    var rowLength: Int { shape[shape.count - 1] }
    var innerStrides: [Int] { strides.map { $0[$0.count - 1] } }
    var count: Int { shape.reduce(1, *) }

    /// Calls `body(offsets, rowLength)` for every row; offsets are relative to each operand's base.
    func forEachRow(_ body: (UnsafeMutablePointer<Int>, Int) -> Void) {
        let k = strides.count
        let outer = shape.count - 1
        let n = rowLength
        if n == 0 { return }
        let offs = UnsafeMutablePointer<Int>.allocate(capacity: max(k, 1))
        defer { offs.deallocate() }
        offs.initialize(repeating: 0, count: max(k, 1))
        var rows = 1
        for d in 0..<outer { rows *= shape[d] }
        if rows == 0 { return }
        var counter = [Int](repeating: 0, count: max(outer, 1))
        for _ in 0..<rows {
            body(offs, n)
            var d = outer - 1
            while d >= 0 {
                counter[d] += 1
                for j in 0..<k { offs[j] += strides[j][d] }
                if counter[d] < shape[d] { break }
                for j in 0..<k { offs[j] -= strides[j][d] * shape[d] }
                counter[d] = 0
                d -= 1
            }
        }
    }
}

/// Splits `0..<n` into two halves run on both cores when `n` is large; otherwise runs inline.
@inline(__always)
func parallelRange(_ n: Int, minPerThread: Int = 1 << 16, _ body: (Int, Int) -> Void) {
    if n < 2 * minPerThread {
        body(0, n)
        return
    }
    var half = (n / 2 + 63) & ~63
    if half >= n { half = n / 2 }
    DispatchQueue.concurrentPerform(iterations: 2) { i in
        if i == 0 { body(0, half) } else { body(half, n) }
    }
}

/// Copies `src` into `dst` elementwise (same shape; dtypes may differ, converting as PyTorch does).
func copyElements(from src: Tensor, to dst: Tensor) {
    let loop = StridedLoop(shape: dst.shape, strides: [dst.strides, src.strides])
    if src.dtype == dst.dtype {
        copySameType(loop, src, dst)
        return
    }
    let inner = loop.innerStrides
    let (sd, ss) = (inner[0], inner[1])
    if dst.dtype == .float32 {
        let d = dst.floatBase
        loop.forEachRow { o, n in
            for i in 0..<n { d[o[0] + i * sd] = Float(src.loadDouble(at: o[1] + i * ss)) }
        }
    } else if dst.dtype == .bool || src.dtype == .float32 {
        loop.forEachRow { o, n in
            for i in 0..<n { dst.storeDouble(src.loadDouble(at: o[1] + i * ss), at: o[0] + i * sd) }
        }
    } else {
        loop.forEachRow { o, n in
            for i in 0..<n { dst.storeDouble(Double(src.loadInt(at: o[1] + i * ss)), at: o[0] + i * sd) }
        }
    }
}

private func copySameType(_ loop: StridedLoop, _ src: Tensor, _ dst: Tensor) {
    switch src.dtype.itemSize {
    case 8: copyTyped(loop, src.storage.bytes.assumingMemoryBound(to: UInt64.self) + src.offset,
                      dst.storage.bytes.assumingMemoryBound(to: UInt64.self) + dst.offset)
    case 4: copyTyped(loop, src.storage.bytes.assumingMemoryBound(to: UInt32.self) + src.offset,
                      dst.storage.bytes.assumingMemoryBound(to: UInt32.self) + dst.offset)
    default: copyTyped(loop, src.storage.bytes.assumingMemoryBound(to: UInt8.self) + src.offset,
                       dst.storage.bytes.assumingMemoryBound(to: UInt8.self) + dst.offset)
    }
}

@inline(__always)
private func copyTyped<T>(_ loop: StridedLoop, _ s: UnsafeMutablePointer<T>, _ d: UnsafeMutablePointer<T>) {
    let inner = loop.innerStrides
    let (sd, ss) = (inner[0], inner[1])
    if sd == 1 && ss == 1 {
        loop.forEachRow { o, n in (d + o[0]).update(from: s + o[1], count: n) }
    } else {
        loop.forEachRow { o, n in
            let dp = d + o[0], sp = s + o[1]
            for i in 0..<n { dp[i * sd] = sp[i * ss] }
        }
    }
}

// mrsh-bench: throughput of the tensor core against its peers on this machine (issues 2 and 3).
// Prints figures only; nothing here is asserted. Run through scripts/bench (release build).
// Default: sgemm vs cblas, elementwise vs memcpy, autograd overhead, layer workloads vs PyTorch.
// Profiling modes: --lstm-only (A/B of concurrent LSTM directions), --transformer-only,
// --w2-step (a W2-shaped training step), --w2-masked (a W2 batch with padding mask and dropout),
// --gemm-threads (per-step GEMM with 1 vs 2 BLAS threads),
// --w1-lstm (W1's two separate unidirectional LSTMs with 2 vs 1 intra-op threads).
import CBLAS
import Foundation
import Tensor

/// Best wall time in seconds of `reps` runs of `body` after one warm-up.
func best(_ reps: Int, _ body: () throws -> Void) rethrows -> Double {
    try body()
    var t = Double.infinity
    for _ in 0..<reps {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        t = min(t, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return t
}

func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }

func benchGemm(_ m: Int, _ k: Int, _ n: Int, reps: Int) throws {
    Tensor.manualSeed(0)
    let a = Tensor.randn([m, k]), b = Tensor.randn([k, n])
    let flops = 2.0 * Double(m * n * k)
    let tMrsh = try best(reps) { _ = try a.matmul(b) }
    let c = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
    defer { c.deallocate() }
    let pa = a.toFloatArray(), pb = b.toFloatArray()
    // The reference is OpenBLAS with all cores (mrsh pins OpenBLAS itself to one thread and
    // splits large products over the cores on its own).
    let cores = Int32(ProcessInfo.processInfo.activeProcessorCount)
    openblas_set_num_threads(cores)
    defer { openblas_set_num_threads(1) }
    let tBlas = best(reps) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1,
                    pa, Int32(k), pb, Int32(n), 0, c, Int32(n))
    }
    let gm = flops / tMrsh / 1e9, gb = flops / tBlas / 1e9
    print("\(pad("sgemm [\(m)x\(k)]x[\(k)x\(n)]", 34)) mrsh \(String(format: "%7.1f", gm)) GFLOP/s   "
        + "OpenBLAS (\(cores) threads) \(String(format: "%7.1f", gb)) GFLOP/s   ratio \(String(format: "%.2f", gm / gb))")
}

func benchElementwise() throws {
    let n = 16 << 20
    Tensor.manualSeed(1)
    let x = Tensor.randn([n]), y = Tensor.randn([n])
    let src = UnsafeMutableRawPointer.allocate(byteCount: n * 4, alignment: 64)
    let dst = UnsafeMutableRawPointer.allocate(byteCount: n * 4, alignment: 64)
    defer { src.deallocate(); dst.deallocate() }
    memset(src, 1, n * 4)
    memset(dst, 0, n * 4)
    var sink: UInt8 = 0
    let tCopy = best(5) {
        memcpy(dst, src, n * 4)
        sink &+= dst.load(fromByteOffset: (n * 4) / 2, as: UInt8.self)
    }
    if sink == 255 { print("") }
    let copyGBs = Double(2 * n * 4) / tCopy / 1e9
    print("\(pad("memcpy 64 MB", 34)) \(String(format: "%7.1f", copyGBs)) GB/s (read + write)")
    let cases: [(String, Int, () throws -> Void)] = [
        ("add 16M floats", 3, { _ = try x.add(y) }),
        ("mul 16M floats", 3, { _ = try x.mul(y) }),
        ("tanh 16M floats", 2, { _ = x.tanh() }),
        ("sum 16M floats", 1, { _ = try x.sum() }),
    ]
    for (name, arrays, body) in cases {
        let t = try best(5, body)
        let gbs = Double(arrays * n * 4) / t / 1e9
        print("\(pad(name, 34)) \(String(format: "%7.1f", gbs)) GB/s   \(String(format: "%6.2f", t * 1e3)) ms   "
            + "vs memcpy \(String(format: "%.2f", gbs / copyGBs))")
    }
}

func benchAutograd() throws {
    let steps = 10_000
    let one = Tensor.ones([1])
    let x = try Tensor([0]).requiresGrad(true)
    let t = try best(5) {
        var y = x
        for _ in 0..<steps { y = try y.add(one) }
        try y.backward()
        x.grad = nil
    }
    print("\(pad("autograd chain of 10,000 adds", 34)) \(String(format: "%7.2f", t / Double(steps) * 1e6)) us/op (forward + backward)")
}

/// Median wall time in seconds of `reps` runs after one warm-up.
func median(_ reps: Int, _ body: () throws -> Void) rethrows -> Double {
    try body()
    var ts: [Double] = []
    for _ in 0..<reps {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        ts.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return ts.sorted()[ts.count / 2]
}

/// Layer workloads of the layers issue against PyTorch's figures in shared/docs/workloads.md.
func benchLayers() throws {
    Tensor.manualSeed(2)
    let lstm = try RNN(.lstm, inputSize: 256, hiddenSize: 256, numLayers: 2, bidirectional: true)
    let x = try Tensor.randn([300, 32, 256]).requiresGrad(true)
    let tLSTM = try median(3) {
        let r = try lstm.forward(x, h0: nil)
        try r.output.sum().backward()
        lstm.zeroGrad()
    }
    report("BLSTM 2x256 [300,32,256] fwd+bwd", tLSTM, peer: 1.10)
    let lengths = (0..<32).map { 150 + ($0 * 150) / 31 }
    let tPacked = try median(3) {
        let r = try lstm.forward(x, h0: nil, lengths: lengths)
        try r.output.sum().backward()
        lstm.zeroGrad()
    }
    report("BLSTM packed, T in [150, 300]", tPacked, peer: 4.5)
    let layer = try TransformerEncoderLayer(dModel: 256, nhead: 4, dimFeedforward: 1024, batchFirst: true).eval()
    let xt = try Tensor.randn([16, 150, 256]).requiresGrad(true)
    let tTrans = try median(5) {
        try layer.forward(xt).sum().backward()
        layer.zeroGrad()
    }
    report("TransformerEncoderLayer [16,150,256]", tTrans, peer: 0.129)
    let logits = try Tensor.randn([150, 16, 50]).requiresGrad(true)
    let targets = try Tensor.randint(1, 50, [16, 20])
    let tCTC = try median(20) {
        let loss = try Functional.ctcLoss(try logits.logSoftmax(dim: 2), targets, inputLengths: [Int](repeating: 150, count: 16),
                                          targetLengths: [Int](repeating: 20, count: 16))
        try loss.backward()
        logits.grad = nil
    }
    report("ctc_loss [150,16,50] fwd+bwd", tCTC, peer: 0.0025)
}

func report(_ name: String, _ t: Double, peer: Double) {
    print("\(pad(name, 34)) \(String(format: "%8.2f", t * 1e3)) ms   PyTorch \(String(format: "%8.2f", peer * 1e3)) ms   "
        + "speed ratio \(String(format: "%.2f", peer / t))")
}

if CommandLine.arguments.contains("--gemm-threads") {
    let a = Tensor.randn([32, 256]), w = Tensor.randn([1024, 256])
    let c = Tensor.zeros([32, 1024])
    let pa = a.toFloatArray(), pw = w.toFloatArray()
    var out = [Float](repeating: 0, count: 32 * 1024)
    for threads in [2, 1] {
        openblas_set_num_threads(Int32(threads))
        let t = best(5) {
            for _ in 0..<300 {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, 32, 1024, 256, 1, pa, 256, pw, 256, 1, &out, 1024)
            }
        }
        print("300 steps [32x256]x[256x1024]^T with \(threads) BLAS threads: \(t * 1e3) ms")
    }
    openblas_set_num_threads(1)
    let t2 = best(5) {
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            var o2 = [Float](repeating: 0, count: 32 * 1024)
            for _ in 0..<300 {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, 32, 1024, 256, 1, pa, 256, pw, 256, 1, &o2, 1024)
            }
        }
    }
    print("2 x 300 steps concurrently, 1 BLAS thread each: \(t2 * 1e3) ms")
    _ = c
    exit(0)
}

if CommandLine.arguments.contains("--w2-step") {
    // A W2-shaped training step: 2x Conv1d(k3, s2) -> 6 pre-LN Transformer layers -> Linear -> CTC.
    Tensor.manualSeed(3)
    let conv1 = try Conv(80, 256, kernelSize: [3], stride: [2], padding: [1])
    let conv2 = try Conv(256, 256, kernelSize: [3], stride: [2], padding: [1])
    let layers = try (0..<6).map { _ in
        try TransformerEncoderLayer(dModel: 256, nhead: 4, dimFeedforward: 1024, dropout: 0.1, batchFirst: true, normFirst: true)
    }
    let out = try Linear(256, 50)
    let x = Tensor.randn([16, 80, 800])
    let targets = try Tensor.randint(1, 50, [16, 100])
    let t = try median(3) {
        var h = try conv2(try conv1(x).relu()).relu().transpose(1, 2)  // [B, T/4, 256]
        for l in layers { h = try l.forward(h) }
        let logits = try out(h).transpose(0, 1).logSoftmax(dim: 2)   // [T/4, B, 50]
        let loss = try Functional.ctcLoss(logits, targets, inputLengths: [Int](repeating: 200, count: 16),
                                          targetLengths: [Int](repeating: 100, count: 16))
        try loss.backward()
    }
    print("W2-shaped step [16, 80, 800]: \(t * 1e3) ms")
    exit(0)
}

if CommandLine.arguments.contains("--w2-masked") {
    // A W2 batch as the config trains it: [25, 800] frames of lengths 600..800, training mode
    // (dropout 0.1), src_key_padding_mask, fwd + bwd through conv, 6 pre-LN layers, CTC.
    Tensor.manualSeed(3)
    let conv1 = try Conv(80, 256, kernelSize: [3], stride: [2], padding: [1])
    let conv2 = try Conv(256, 256, kernelSize: [3], stride: [2], padding: [1])
    let layers = try (0..<6).map { _ in
        try TransformerEncoderLayer(dModel: 256, nhead: 4, dimFeedforward: 1024, dropout: 0.1, batchFirst: true, normFirst: true)
    }
    let out = try Linear(256, 50)
    let (b, t) = (25, 800)
    let x = Tensor.randn([b, 80, t])
    let lens = (0..<b).map { 600 + ($0 * 200) / (b - 1) }
    let sub = lens.map { (($0 - 1) / 2) / 2 + 1 }
    let tSub = (t - 1) / 2 / 2 + 1
    let pad = try Tensor(bools: (0..<b).flatMap { i in (0..<tSub).map { $0 >= sub[i] } }, shape: [b, tSub])
    let targets = try Tensor.randint(1, 50, [b, 100])
    let reps = CommandLine.arguments.contains("--reps") ? 10 : 3
    let tm = try median(reps) {
        var h = try conv2(try conv1(x).relu()).relu().transpose(1, 2)
        for l in layers { h = try l.forward(h, srcKeyPaddingMask: pad) }
        let logits = try out(h).transpose(0, 1).logSoftmax(dim: 2)
        let loss = try Functional.ctcLoss(logits, targets, inputLengths: sub, targetLengths: [Int](repeating: 100, count: b),
                                          reduction: .sum)
        try loss.backward()
    }
    let frames = lens.reduce(0, +)
    print("W2 batch [25, 800] masked, training: \(String(format: "%.1f", tm * 1e3)) ms, \(Int(Double(frames) / tm)) frames/s (fwd+bwd, no optimizer)")
    exit(0)
}

if CommandLine.arguments.contains("--transformer-only") {
    let layer = try TransformerEncoderLayer(dModel: 256, nhead: 4, dimFeedforward: 1024, batchFirst: true).eval()
    let xt = try Tensor.randn([16, 150, 256]).requiresGrad(true)
    for _ in 0..<10 {
        try layer.forward(xt).sum().backward()
        layer.zeroGrad()
    }
    exit(0)
}

if CommandLine.arguments.contains("--w1-lstm") {
    // W1's layout: each direction a separate unidirectional module (batch first; the backward
    // one on a reversed copy), so the directions run one after the other and each recurrence
    // uses the intra-op threads itself. A/B in one process, alternating: 2 threads vs 1.
    Tensor.manualSeed(3)
    let fw = try RNN(.lstm, inputSize: 256, hiddenSize: 256, batchFirst: true)
    let bw = try RNN(.lstm, inputSize: 256, hiddenSize: 256, batchFirst: true)
    let x = try Tensor.randn([32, 300, 256]).requiresGrad(true)
    let saved = IntraOpThreads.count
    for round in 0..<3 {
        var times: [Int: Double] = [:]
        for threads in [2, 1] {
            IntraOpThreads.set(threads)
            times[threads] = try median(3) {
                let a = try fw.forward(x, h0: nil).output, b = try bw.forward(try x.flip([1]), h0: nil).output
                try Tensor.cat([a, b], dim: 2).sum().backward()
                fw.zeroGrad()
                bw.zeroGrad()
            }
        }
        print("round \(round): two 1-direction LSTM 256 on [32, 300, 256] fwd+bwd: 2 threads \(times[2]! * 1e3) ms, 1 thread \(times[1]! * 1e3) ms")
    }
    IntraOpThreads.set(saved)
    exit(0)
}

if CommandLine.arguments.contains("--lstm-only") {
    Tensor.manualSeed(2)
    let lstm = try RNN(.lstm, inputSize: 256, hiddenSize: 256, numLayers: 2, bidirectional: true)
    let x = try Tensor.randn([300, 32, 256]).requiresGrad(true)
    let tf = try median(3) { _ = try noGrad { try lstm.forward(x, h0: nil) } }
    print("BLSTM forward only (no grad)", tf * 1e3, "ms")
    // A/B on the same module: concurrent directions vs one after the other, alternating.
    for round in 0..<3 {
        var times: [Bool: Double] = [:]
        for concurrent in [true, false] {
            lstm.concurrentDirections = concurrent
            times[concurrent] = try median(3) {
                let r = try lstm.forward(x, h0: nil)
                try r.output.sum().backward()
                lstm.zeroGrad()
            }
        }
        print("round \(round): concurrent directions \(times[true]! * 1e3) ms, sequential \(times[false]! * 1e3) ms")
    }
    exit(0)
}

do {
    print("mrsh-bench (\(ProcessInfo.processInfo.activeProcessorCount) cores)")
    try benchGemm(1024, 1024, 1024, reps: 10)
    try benchGemm(32, 512, 2048, reps: 200)
    try benchElementwise()
    try benchAutograd()
    try benchLayers()
} catch {
    FileHandle.standardError.write("mrsh-bench: \(error)\n".data(using: .utf8)!)
    exit(1)
}

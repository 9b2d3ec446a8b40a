// Data benchmark: HDF read throughput and pipeline batches/s on a synthetic corpus, compared
// with h5py reading the same file (if python3 has h5py). Usage:
//   mrsh-data-bench gen <out.hdf> [frames] [dim] [seed]   write a synthetic corpus
//   mrsh-data-bench gen-ctc <out.hdf> [seqs] [seed]      write a W2-shaped CTC corpus (80-dim, labels T/8)
//   mrsh-data-bench [corpus.hdf]                       benchmark (generates a 500k-frame corpus if none given)
import Datasets
import Foundation

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let t0 = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
}

func fmt(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }

func readAll(_ path: String, ordering: String) throws -> (bytes: Int, seconds: Double) {
    let ds = try HDFDataset(files: [path], ordering: SeqOrdering(mode: ordering), cacheByteSize: 0)
    try ds.initSeqOrder(epoch: 1)
    var bytes = 0
    let t = try seconds {
        for i in 0..<ds.numSeqs {
            for k in ds.dataKeys {
                if case .array(let a) = try ds.getData(i, k) { bytes += a.bytes.count }
            }
        }
    }
    return (bytes, t)
}

/// Busy work standing in for a training step.
func compute(milliseconds: Double) {
    let end = DispatchTime.now().uptimeNanoseconds + UInt64(milliseconds * 1e6)
    while DispatchTime.now().uptimeNanoseconds < end {}
}

func pipeline(_ path: String, prefetch: Bool, computeMs: Double = 0) throws -> (batches: Int, seconds: Double) {
    let ds = try HDFDataset(files: [path], ordering: SeqOrdering(mode: "laplace:.100"), cacheByteSize: 0)
    let opts = PipelineOptions(batchSize: .perKey(["data": 20_000]), maxSeqs: 200)
    var n = 0
    let t = try seconds {
        if prefetch {
            let loader = try BatchLoader(dataset: ds, epoch: 1, options: opts, prefetch: 4)
            while try loader.next() != nil { n += 1; compute(milliseconds: computeMs) }
        } else {
            let it = try BatchIterator(dataset: ds, epoch: 1, options: opts)
            while try it.next() != nil { n += 1; compute(milliseconds: computeMs) }
        }
    }
    return (n, t)
}

/// h5py reading every sequence of `inputs` and `targets/data/classes` by slices, as HDFDataset does.
func h5pyBaseline(_ path: String) -> String {
    let script = """
    import sys, time
    try:
        import h5py, numpy
    except ImportError:
        print("h5py not installed"); sys.exit(0)
    f = h5py.File(sys.argv[1], "r")
    lens = f["seqLengths"][...]
    starts = numpy.concatenate([[[0, 0]], numpy.cumsum(lens, axis=0)])
    x, y = f["inputs"], f["targets/data/classes"]
    t0 = time.time(); n = 0
    for i in range(len(lens)):
        a = x[starts[i, 0]:starts[i + 1, 0]]; b = y[starts[i, 1]:starts[i + 1, 1]]; n += a.nbytes + b.nbytes
    dt = time.time() - t0
    print("%.1f MB/s (%.3f s, h5py %s)" % (n / dt / 1e6, dt, h5py.__version__))
    """
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "-c", script, path]
    let out = Pipe()
    p.standardOutput = out
    p.standardError = Pipe()
    do { try p.run() } catch { return "python3 not available" }
    p.waitUntilExit()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    return text.isEmpty ? "python3 failed" : text
}

func main() throws {
    var args = Array(CommandLine.arguments.dropFirst())
    if args.first == "gen-ctc" {
        args.removeFirst()
        guard let out = args.first else { print("usage: mrsh-data-bench gen-ctc <out.hdf> [seqs] [seed]"); exit(2) }
        let seqs = args.count > 1 ? Int(args[1]) ?? 1000 : 1000
        let seed = args.count > 2 ? UInt32(args[2]) ?? 42 : 42
        let info = try SyntheticCorpus.writeCTC(path: out, numSeqs: seqs, seed: seed)
        print("wrote \(out): \(info.numSeqs) sequences, \(info.numFrames) frames, dim 80, labels T/8 over 1..49")
        return
    }
    if args.first == "gen" {
        args.removeFirst()
        guard let out = args.first else { print("usage: mrsh-data-bench gen <out.hdf> [frames] [dim] [seed]"); exit(2) }
        let frames = args.count > 1 ? Int(args[1]) ?? 500_000 : 500_000
        let dim = args.count > 2 ? Int(args[2]) ?? 40 : 40
        let seed = args.count > 3 ? UInt32(args[3]) ?? 42 : 42
        let info = try SyntheticCorpus.write(path: out, numFrames: frames, dim: dim, seed: seed)
        print("wrote \(out): \(info.numSeqs) sequences, \(info.numFrames) frames, dim \(dim)")
        return
    }
    var path = args.first ?? ""
    if path.isEmpty {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("mrsh-bench-corpus-500k.hdf").path
        if !FileManager.default.fileExists(atPath: path) {
            let t = try seconds { try SyntheticCorpus.write(path: path, numFrames: 500_000, dim: 40) }
            print("generated \(path) in \(fmt(t, 2)) s")
        }
    }
    let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    print("corpus: \(path) (\(fmt(Double(size) / 1e6)) MB)")
    _ = try readAll(path, ordering: "default")  // warm the page cache
    for ordering in ["default", "random"] {
        let r = try readAll(path, ordering: ordering)
        print("HDFDataset read, \(ordering) order: \(fmt(Double(r.bytes) / r.seconds / 1e6)) MB/s (\(fmt(r.seconds, 3)) s)")
    }
    print("h5py read, default order: \(h5pyBaseline(path))")
    for prefetch in [false, true] {
        let r = try pipeline(path, prefetch: prefetch)
        print("pipeline (laplace:.100, batch_size 20000 frames, max_seqs 200)\(prefetch ? " + loader thread" : ""): \(r.batches) batches, \(fmt(Double(r.batches) / r.seconds)) batches/s")
    }
    let sync = try pipeline(path, prefetch: false, computeMs: 3)
    let overlapped = try pipeline(path, prefetch: true, computeMs: 3)
    print("with 3 ms of compute per batch: \(fmt(sync.seconds, 3)) s without loader thread, \(fmt(overlapped.seconds, 3)) s with it (compute alone \(fmt(Double(sync.batches) * 0.003, 3)) s)")
}

do { try main() } catch {
    FileHandle.standardError.write("mrsh-data-bench: \(error)\n".data(using: .utf8)!)
    exit(1)
}

import Foundation

/// PyTorch's printed form: `tensor([[0.1000, 0.2000]], requires_grad=True)`, with its number
/// formats (fixed 4 decimals, `1.` for integral floats, scientific `1.0000e-05` for wide ranges),
/// right-aligned columns, summarization of tensors over 1000 elements, and 80-column wrapping.
extension Tensor: CustomStringConvertible {
    public var description: String {
        var suffix: [String] = []
        if numel == 0 && shape != [0] { suffix.append("size=" + pyTuple(shape)) }
        if dtype == .int32 || (numel == 0 && dtype != .float32) { suffix.append("dtype=\(dtype)") }
        if let fn = gradFnName { suffix.append("grad_fn=<\(fn)>") } else if requiresGrad { suffix.append("requires_grad=True") }
        let body = numel == 0 ? "[]" : formatBody(indent: 7)
        return "tensor(" + body + suffix.map { ", " + $0 }.joined() + ")"
    }

    private func formatBody(indent: Int) -> String {
        // Summarized tensors keep only the first and last 3 entries of each long dim, so a huge
        // tensor is never copied whole.
        let summarize = numel > 1000
        var small = noGrad { detach() }
        var cut = [Bool](repeating: false, count: ndim)
        if summarize {
            for d in 0..<ndim where shape[d] > 6 {
                cut[d] = true
                small = (try? Tensor.cat([try small.narrow(d, 0, 3), try small.narrow(d, shape[d] - 3, 3)], dim: d)) ?? small
            }
        }
        let values = small.toDoubleArray()
        let fmtr = ElementFormatter(values: values, dtype: dtype)
        return small.format(values, dim: 0, offset: 0, indent: indent, cut: cut, formatter: fmtr)
    }

    private func format(_ v: [Double], dim: Int, offset: Int, indent: Int, cut: [Bool], formatter f: ElementFormatter) -> String {
        if ndim == 0 { return f.format(v[0]) }
        let n = shape[dim]
        let stride = Tensor.contiguousStrides(shape)[dim]
        let idx = cut[dim] ? [0, 1, 2, -1, 3, 4, 5] : Array(0..<n)
        if dim == ndim - 1 {
            let items = idx.map { $0 < 0 ? " ..." : f.format(v[offset + $0 * stride]) }
            return "[" + wrap(items, indent: indent + 1) + "]"
        }
        let inner = idx.map { i -> String in
            i < 0 ? "..." : format(v, dim: dim + 1, offset: offset + i * stride, indent: indent + 1, cut: cut, formatter: f)
        }
        let blank = String(repeating: "\n", count: ndim - dim - 1)
        return "[" + inner.joined(separator: "," + blank + String(repeating: " ", count: indent + 1)) + "]"
    }

    /// Joins row items with ", ", breaking lines at 80 columns.
    private func wrap(_ items: [String], indent: Int) -> String {
        let width = (items.map { $0.count }.max() ?? 0) + 2
        let perLine = Swift.max(1, (80 - indent) / width)
        var lines: [String] = []
        var i = 0
        while i < items.count {
            lines.append(items[i..<Swift.min(i + perLine, items.count)].joined(separator: ", "))
            i += perLine
        }
        return lines.joined(separator: ",\n" + String(repeating: " ", count: indent))
    }
}

/// Chooses PyTorch's element format for a set of values and pads to a common width.
private struct ElementFormatter {
    enum Mode { case int, bool, integralFloat, fixed, scientific }
    let mode: Mode
    let width: Int

    init(values: [Double], dtype: DType) {
        switch dtype {
        case .bool: mode = .bool
        case .int32, .int64: mode = .int
        case .float32:
            let finite = values.filter { $0.isFinite }.map { Swift.abs($0) }.filter { $0 != 0 }
            let (lo, hi) = (finite.min() ?? 0, finite.max() ?? 0)
            if values.filter({ $0.isFinite }).allSatisfy({ $0 == $0.rounded() }) {
                mode = hi > 1e8 ? .scientific : .integralFloat
            } else if !finite.isEmpty && (hi / lo > 1000 || hi > 1e8 || lo < 1e-4) {
                mode = .scientific
            } else {
                mode = .fixed
            }
        }
        var w = 0
        let probe = ElementFormatter(mode: mode, width: 0)
        for v in values { w = Swift.max(w, probe.raw(v).count) }
        width = w
    }

    private init(mode: Mode, width: Int) {
        self.mode = mode
        self.width = width
    }

    func raw(_ v: Double) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        switch mode {
        case .bool: return v != 0 ? "True" : "False"
        case .int: return String(Int64(v))
        case .integralFloat: return String(format: "%.0f.", v)
        case .fixed: return String(format: "%.4f", v)
        case .scientific: return String(format: "%.4e", v)
        }
    }

    func format(_ v: Double) -> String {
        let s = raw(v)
        return String(repeating: " ", count: Swift.max(0, width - s.count)) + s
    }
}

/// `torch.einsum` for one or two operands (more are folded left to right): labels only in one
/// operand and not in the output are summed first; the rest becomes one batched matmul
/// [batch, left, contracted] x [batch, contracted, right], then a permute to the output order.
enum Einsum {
    static func evaluate(_ equation: String, _ operands: [Tensor]) throws -> Tensor {
        let eq = equation.filter { !$0.isWhitespace }
        let parts = eq.components(separatedBy: "->")
        let inputs = parts[0].split(separator: ",", omittingEmptySubsequences: false).map { Array($0) }
        guard inputs.count == operands.count else {
            throw TensorError("einsum", "\(inputs.count) operands in the equation but \(operands.count) tensors given")
        }
        let output: [Character]
        if parts.count > 1 {
            output = Array(parts[1])
        } else {
            let all = inputs.flatMap { $0 }
            output = Set(all).filter { c in all.filter { $0 == c }.count == 1 }.sorted()
        }
        for (labels, t) in zip(inputs, operands) {
            guard labels.count == t.ndim, Set(labels).count == labels.count, labels.allSatisfy({ $0.isLetter }) else {
                throw TensorError("einsum", "subscripts '\(String(labels))' do not fit operand of shape \(fmt(t.shape)) (repeated or '...' labels are not supported)")
            }
        }
        var (acc, accLabels) = (operands[0], inputs[0])
        if operands.count == 1 { return try reduceTo(acc, accLabels, output) }
        for i in 1..<operands.count {
            let rest = Set(inputs[(i + 1)...].flatMap { $0 } + output)
            let target = Array(Set(accLabels + inputs[i]).filter { rest.contains($0) }).sorted()
            let keepOrder = i == operands.count - 1 ? output : target
            (acc, accLabels) = try pair(acc, accLabels, operands[i], inputs[i], keepOrder)
        }
        return acc
    }

    /// Sums `t` over labels absent from `out`, then permutes to `out`'s order.
    private static func reduceTo(_ t: Tensor, _ labels: [Character], _ out: [Character]) throws -> Tensor {
        let drop = labels.indices.filter { !out.contains(labels[$0]) }
        let r = drop.isEmpty ? t : try t.sum(dims: drop)
        let remaining = labels.filter { out.contains($0) }
        guard Set(remaining) == Set(out) else {
            throw TensorError("einsum", "output subscript '\(String(out))' has labels not found in the inputs")
        }
        let perm = out.map { remaining.firstIndex(of: $0)! }
        return perm == Array(perm.indices) ? r : try r.permute(perm)
    }

    private static func pair(_ a0: Tensor, _ la0: [Character], _ b0: Tensor, _ lb0: [Character],
                             _ out: [Character]) throws -> (Tensor, [Character]) {
        // Sum labels used by only one side and not wanted afterwards.
        let a = try reduceTo(a0, la0, la0.filter { lb0.contains($0) || out.contains($0) })
        let la = la0.filter { lb0.contains($0) || out.contains($0) }
        let b = try reduceTo(b0, lb0, lb0.filter { la.contains($0) || out.contains($0) })
        let lb = lb0.filter { la.contains($0) || out.contains($0) }
        for c in la where lb.contains(c) {
            let (sa, sb) = (a.shape[la.firstIndex(of: c)!], b.shape[lb.firstIndex(of: c)!])
            guard sa == sb else {
                throw TensorError("einsum", "operands do not match for label '\(c)': \(sa) vs \(sb)")
            }
        }
        let batch = la.filter { lb.contains($0) && out.contains($0) }
        let contract = la.filter { lb.contains($0) && !out.contains($0) }
        let left = la.filter { !lb.contains($0) }
        let right = lb.filter { !la.contains($0) }
        func size(_ t: Tensor, _ l: [Character], _ cs: [Character]) -> Int {
            cs.reduce(1) { $0 * t.shape[l.firstIndex(of: $1)!] }
        }
        let pa = try a.permute((batch + left + contract).map { la.firstIndex(of: $0)! })
            .reshape([size(a, la, batch), size(a, la, left), size(a, la, contract)])
        let pb = try b.permute((batch + contract + right).map { lb.firstIndex(of: $0)! })
            .reshape([size(b, lb, batch), size(b, lb, contract), size(b, lb, right)])
        let dims = batch.map { a.shape[la.firstIndex(of: $0)!] } + left.map { a.shape[la.firstIndex(of: $0)!] }
            + right.map { b.shape[lb.firstIndex(of: $0)!] }
        let r = try pa.matmul(pb).reshape(dims)
        let labels = batch + left + right
        return (try reduceTo(r, labels, out), out)
    }
}

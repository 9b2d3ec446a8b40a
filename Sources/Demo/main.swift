// mrsh-demo: a 2-layer MLP trained with plain SGD through mrsh's autograd on generated data,
// printing its loss per epoch. Temporary main job until the engine exists (scripts/main).
import Foundation
import Tensor

/// Generated task: 8-class labels given by a fixed random "teacher" network on 32-d inputs.
func makeData(samples: Int, inputs: Int, classes: Int) throws -> (x: Tensor, y: Tensor) {
    let x = Tensor.randn([samples, inputs])
    let teacher1 = try Tensor.randn([inputs, 64]).div(Double(inputs).squareRoot())
    let teacher2 = Tensor.randn([64, classes])
    let y = try x.matmul(teacher1).tanh().matmul(teacher2).argmax(dim: 1)
    return (x, y)
}

/// A [in, hidden] -> tanh -> [hidden, out] network with PyTorch's default Linear init bounds.
struct MLP {
    let w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor

    init(inputs: Int, hidden: Int, classes: Int) throws {
        func uniform(_ shape: [Int], fanIn: Int) throws -> Tensor {
            let bound = 1 / Double(fanIn).squareRoot()
            return try Tensor.empty(shape).uniform(-bound, bound).requiresGrad(true)
        }
        w1 = try uniform([hidden, inputs], fanIn: inputs)
        b1 = try uniform([hidden], fanIn: inputs)
        w2 = try uniform([classes, hidden], fanIn: hidden)
        b2 = try uniform([classes], fanIn: hidden)
    }

    var parameters: [Tensor] { [w1, b1, w2, b2] }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        let h = try Functional.linear(x, w1, b1).tanh()
        return try Functional.linear(h, w2, b2)
    }
}

func train() throws {
    Tensor.manualSeed(42)
    let (inputs, classes, batch) = (32, 8, 64)
    let train = try makeData(samples: 8192, inputs: inputs, classes: classes)
    let model = try MLP(inputs: inputs, hidden: 256, classes: classes)
    let lr = 0.5
    let batches = train.x.shape[0] / batch
    print("mrsh-demo: 2-layer MLP (32 -> 256 -> 8), SGD lr=\(lr), batch \(batch), \(batches) steps per epoch")
    let start = Date()
    for epoch in 1...20 {
        var total = 0.0, correct = 0
        for b in 0..<batches {
            let xb = try train.x.narrow(0, b * batch, batch), yb = try train.y.narrow(0, b * batch, batch)
            let logits = try model(xb)
            let loss = try Functional.crossEntropy(logits, yb)
            try loss.backward()
            try noGrad {
                for p in model.parameters {
                    if let g = p.grad { try p.subInPlace(g, alpha: lr) }
                    p.grad = nil
                }
            }
            total += try loss.item()
            correct += Int(try logits.argmax(dim: 1).eq(yb).sum().item())
        }
        let acc = Double(correct) / Double(batches * batch) * 100
        print(String(format: "epoch %2d  loss %.4f  accuracy %5.1f%%", epoch, total / Double(batches), acc))
    }
    print(String(format: "done in %.2f s", Date().timeIntervalSince(start)))
}

do {
    try train()
} catch {
    FileHandle.standardError.write("mrsh-demo: \(error)\n".data(using: .utf8)!)
    exit(1)
}

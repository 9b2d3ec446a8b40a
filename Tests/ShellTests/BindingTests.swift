import Interpreter
import Tensor
import XCTest
@testable import Shell

/// The PyTorch names in the language, checked against what PyTorch prints and computes for the
/// same programs (expected strings are PyTorch 2.x output).
final class BindingTests: XCTestCase {
    /// Runs `source` in a fresh session; returns stdout, or the error text.
    func run(_ source: String) -> (out: String, err: String) {
        var out = "", err = ""
        let s = Session(sinks: OutputSinks(out: { out += $0 }, err: { err += $0 }))
        _ = s.run(source, file: "<test>")
        return (out, err)
    }

    func testTensorPrintingAsPyTorch() {
        let r = run("""
        import torch
        print(torch.arange(6).reshape(2, 3))
        print(torch.tensor([1.5, -2.0]))
        print(torch.tensor(3.0))
        print(torch.tensor([True, False]))
        print(torch.zeros(2, 3).shape, torch.ones(2).dtype, torch.arange(3).dtype)
        print(torch.tensor([[0.1, 0.2]], requires_grad=True))
        print(repr(torch.device("cpu")), torch.float32 == torch.float, torch.long is torch.int64)

        """)
        XCTAssertEqual(r.err, "")
        XCTAssertEqual(r.out, """
        tensor([[0, 1, 2],
                [3, 4, 5]])
        tensor([ 1.5000, -2.0000])
        tensor(3.)
        tensor([ True, False])
        torch.Size([2, 3]) torch.float32 torch.int64
        tensor([[0.1000, 0.2000]], requires_grad=True)
        device(type='cpu') True True

        """)
    }

    /// A newcomer's session: a model from nn layers, forward, backward, a gradient. For
    /// y = sum(W x + b) the gradients are dW[i, j] = x[j], db = 1 (closed form).
    func testModelForwardBackwardGradient() {
        let r = run("""
        import torch
        import torch.nn as nn
        lin = nn.Linear(3, 2)
        with torch.no_grad():
            lin.weight.copy_(torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
            lin.bias.fill_(0.5)
        x = torch.tensor([1.0, -1.0, 2.0])
        y = lin(x).sum()
        y.backward()
        print(y.item())
        print(lin.weight.grad.tolist(), lin.bias.grad.tolist())

        """)
        XCTAssertEqual(r.err, "")
        XCTAssertEqual(r.out, "17.0\n[[1.0, -1.0, 2.0], [1.0, -1.0, 2.0]] [1.0, 1.0]\n")
    }

    func testUserModuleRegistrationAndStateDictKeys() {
        let r = run("""
        import torch
        from torch import nn
        class Block(nn.Module):
            def __init__(self, d):
                super().__init__()
                self.ff = nn.Linear(d, d)
            def forward(self, x):
                return x + self.ff(x)
        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                self.embed = nn.Embedding(5, 4)
                self.lstm = nn.LSTM(4, 3, bidirectional=True, batch_first=True)
                self.blocks = nn.ModuleList([Block(6) for _ in range(2)])
                self.out = nn.Sequential(nn.Linear(6, 5), nn.LogSoftmax(dim=-1)) if False else nn.Linear(6, 5)
                self.note = "not a parameter"
            def forward(self, idx):
                h, _ = self.lstm(self.embed(idx))
                for b in self.blocks:
                    h = b(h)
                return self.out(h)
        m = Model()
        print(list(m.state_dict().keys()))
        print(m(torch.tensor([[1, 2, 3]])).shape, len(m.blocks), m.note, isinstance(m.blocks[0], nn.Module))
        print(sum(p.numel() for p in m.parameters()))

        """)
        XCTAssertEqual(r.err, "")
        let keys = ["embed.weight", "lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0",
                    "lstm.weight_ih_l0_reverse", "lstm.weight_hh_l0_reverse", "lstm.bias_ih_l0_reverse", "lstm.bias_hh_l0_reverse",
                    "blocks.0.ff.weight", "blocks.0.ff.bias", "blocks.1.ff.weight", "blocks.1.ff.bias", "out.weight", "out.bias"]
        // Parameter count as PyTorch: 20 + 2*(48+36+12+12) + 2*(36+6) + 35 = 355.
        XCTAssertEqual(r.out, "[" + keys.map { "'\($0)'" }.joined(separator: ", ") + "]\ntorch.Size([1, 3, 5]) 2 not a parameter True\n355\n")
    }

    func testManualSGDStepUpdatesParametersInPlace() {
        let r = run("""
        import torch
        w = torch.tensor([1.0, 2.0], requires_grad=True)
        loss = (w * w).sum()
        loss.backward()
        with torch.no_grad():
            w -= 0.1 * w.grad
        print(w.tolist(), w.requires_grad, w.is_leaf)

        """)
        XCTAssertEqual(r.err, "")
        XCTAssertEqual(r.out, "[0.800000011920929, 1.600000023841858] True True\n")
    }

    func testArgumentErrorsAsPyTorch() {
        XCTAssertTrue(run("import torch\ntorch.sum(torch.ones(2), dimm=1)\n").err
            .contains("TypeError: sum() got an unexpected keyword argument 'dimm'"))
        XCTAssertTrue(run("import torch\ntorch.ones(2, 3) @ torch.ones(2, 3)\n").err.contains("RuntimeError: "))
        XCTAssertTrue(run("import torch\nx = torch.ones(2)\nif x:\n    pass\n").err
            .contains("RuntimeError: Boolean value of Tensor with more than one value is ambiguous"))
        XCTAssertTrue(run("import torch.nn as nn\nm = nn.Linear(2, 2)\nm.weight = 3\n").err
            .contains("TypeError: cannot assign 'int' as parameter 'weight'"))
    }

    func testIndexingOperatorsAndReductions() {
        let r = run("""
        import torch
        x = torch.arange(12).reshape(3, 4).float()
        print(x[1], x[:, 1::2].tolist(), x[x > 9].tolist(), x[[0, 2]].shape)
        x[0, 0] = 100.0
        print(x.sum(dim=0, keepdim=True).tolist(), x.max(dim=1)[1].tolist(), (x @ x.T).shape)
        print(f"{x.mean():.2f}", int(x[2, 3]), float(x[1, 1]), (~(x > 5)).sum().item())

        """)
        XCTAssertEqual(r.err, "")
        XCTAssertEqual(r.out, """
        tensor([4., 5., 6., 7.])\
         [[1.0, 3.0], [5.0, 7.0], [9.0, 11.0]] [10.0, 11.0] torch.Size([2, 4])
        [[112.0, 15.0, 18.0, 21.0]] [0, 3, 3] torch.Size([3, 3])
        13.83 11 5.0 5

        """)
    }

    /// `...` expands to as many full slices as needed, for reading and assignment (values by hand:
    /// x = arange(24).reshape(2, 3, 4), so x[i, j, k] = 12i + 4j + k).
    func testEllipsisIndexing() {
        let r = run("""
        import torch
        x = torch.arange(24).reshape(2, 3, 4)
        print(x[..., 0].tolist(), x[..., None].shape, x[...].shape)
        print(x[0, ...].tolist())
        print(x[..., 1, :].tolist(), x[0, ..., 2].tolist(), x[None, ..., 0].shape)
        y = torch.arange(6).reshape(2, 3)
        y[..., 1:] = 0
        print(y.tolist())
        y[..., 0] = torch.tensor([7, 8])
        print(y.tolist(), y[1, 2, ...].item())

        """)
        XCTAssertEqual(r.err, "")
        XCTAssertEqual(r.out, """
        [[0, 4, 8], [12, 16, 20]] torch.Size([2, 3, 4, 1]) torch.Size([2, 3, 4])
        [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]
        [[4, 5, 6, 7], [16, 17, 18, 19]] [2, 6, 10] torch.Size([1, 2, 3])
        [[0, 0, 0], [3, 0, 0]]
        [[7, 0, 0], [8, 0, 0]] 0

        """)
        for src in ["x[..., 0, ...]", "x[..., ...] = 1"] {
            let bad = run("import torch\nx = torch.zeros(2, 3)\n\(src)\n")
            XCTAssertTrue(bad.err.contains("IndexError: an index can only have a single ellipsis ('...')"), bad.err)
            XCTAssertTrue(bad.err.contains("line 3"), bad.err)
        }
    }

    func testOptimizerLoopReducesLoss() {
        let r = run("""
        import torch
        import torch.nn.functional as F
        torch.manual_seed(0)
        w = torch.zeros(3, requires_grad=True)
        target = torch.tensor([1.0, -2.0, 0.5])
        opt = torch.optim.SGD([w], lr=0.25)
        for step in range(20):
            opt.zero_grad()
            loss = F.mse_loss(w, target)
            loss.backward()
            opt.step()
        print([round(v, 4) for v in w.tolist()])

        """)
        XCTAssertEqual(r.err, "")
        // Gradient descent on mean((w - t)^2): w_k = t (1 - (1 - 2 lr / 3)^k); k = 20, lr = 0.25.
        XCTAssertEqual(r.out, "[0.9739, -1.9478, 0.487]\n")
    }

    func testFunctionLayersPrintAsPyTorch() {
        let r = run("""
        import torch, torch.nn as nn
        m = nn.Sequential(nn.Flatten(), nn.Linear(6, 3), nn.LogSoftmax(dim=-1), nn.Identity())
        print(m)
        print(m(torch.ones(2, 2, 3)).shape, nn.Softmax(dim=0)(torch.zeros(2)))

        """)
        XCTAssertEqual(r.err, "")
        XCTAssertEqual(r.out, """
        Sequential(
          (0): Flatten(start_dim=1, end_dim=-1)
          (1): Linear(in_features=6, out_features=3, bias=True)
          (2): LogSoftmax(dim=-1)
          (3): Identity()
        )
        torch.Size([2, 3]) tensor([0.5000, 0.5000])

        """)
    }

    func testFormattingTensorsInStrings() {
        let r = run("""
        import torch
        x = torch.tensor([1.0, 2.0], requires_grad=True)
        l = (x * 2).sum()
        print(f"{l}", f"{l:.2f}", torch.tensor(x), "%s" % l)

        """)
        XCTAssertEqual(r.err, "")
        XCTAssertEqual(r.out, "tensor(6., grad_fn=<SumBackward0>) 6.00 tensor([1., 2.]) tensor(6., grad_fn=<SumBackward0>)\n")
    }

    func testTensorIdentityAsPyTorch() {
        let r = run("""
        import torch.nn as nn
        m = nn.Linear(2, 2)
        w = m.weight
        names = {p: n for n, p in m.named_parameters()}
        print(w is m.weight, names[m.weight], m.bias is m.weight, list(m.parameters())[0] is w)

        """)
        XCTAssertEqual(r.err, "")
        XCTAssertEqual(r.out, "True weight False True\n")
    }

    func testParameterClass() {
        let r = run("""
        import torch, torch.nn as nn
        p = nn.Parameter(torch.ones(2))
        m = nn.Linear(2, 1)
        print(isinstance(p, nn.Parameter), isinstance(m.weight, nn.Parameter), isinstance(torch.ones(1), nn.Parameter))
        print(p)

        """)
        XCTAssertEqual(r.err, "")
        XCTAssertEqual(r.out, "True True False\nParameter containing:\ntensor([1., 1.], requires_grad=True)\n")
    }

    func testReturnnNamesAndUnknownModules() {
        XCTAssertEqual(run("from returnn.torch.context import RunCtx, get_run_ctx\nimport returnn.frontend as rf\nprint('ok')\n").out, "ok\n")
        XCTAssertTrue(run("import returnn.nosuch\n").err.contains("ModuleNotFoundError: No module named 'returnn.nosuch'"))
        XCTAssertTrue(run("import torchaudio\n").err.contains("ModuleNotFoundError: No module named 'torchaudio'"))
    }
}

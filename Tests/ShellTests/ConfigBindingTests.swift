import XCTest
@testable import Shell

/// Names the reference configs W1/W2 use that the shell first lacked, checked against PyTorch's
/// output for the same program (expected strings are PyTorch 2.x output).
final class ConfigBindingTests: XCTestCase {
    func run(_ source: String) -> (out: String, err: String) {
        var out = "", err = ""
        let s = Session(sinks: OutputSinks(out: { out += $0 }, err: { err += $0 }))
        _ = s.run(source, file: "<test>")
        return (out, err)
    }

    func testDivRoundingModes() {
        let r = run("""
        import torch
        a = torch.tensor([-7, 7, 6, -6])
        print(torch.div(a, 2, rounding_mode="floor"), torch.div(a, 2, rounding_mode="trunc"))
        print(torch.div(a, 4))
        f = torch.tensor([-7.0, 7.5, -0.5])
        print(torch.div(f, 2, rounding_mode="floor"), torch.div(f, 2, rounding_mode="trunc"))
        print(a.div(-4, rounding_mode="trunc"), torch.div(a, 2, rounding_mode=None))
        n = torch.tensor([411, 200])
        print(torch.div(n - 1, 2, rounding_mode="floor") + 1)
        torch.div(a, 2, rounding_mode="round")

        """)
        XCTAssertEqual(r.out, """
        tensor([-4,  3,  3, -3]) tensor([-3,  3,  3, -3])
        tensor([-1.7500,  1.7500,  1.5000, -1.5000])
        tensor([-4.,  3., -1.]) tensor([-3.,  3., -0.])
        tensor([ 1, -1, -1,  1]) tensor([-3.5000,  3.5000,  3.0000, -3.0000])
        tensor([206, 100])

        """)
        XCTAssertTrue(r.err.contains("RuntimeError: div expected rounding_mode to be one of None, 'trunc', or 'floor' but found 'round'"), r.err)
    }

    func testThreadsAndIsfinite() {
        let r = run("""
        import torch
        torch.set_num_threads(1)
        print(torch.get_num_threads())
        torch.set_num_threads(2)
        print(torch.get_num_threads())
        print(torch.isfinite(torch.tensor([1.0, float("inf"), float("nan"), -float("inf")])))
        torch.set_num_threads(0)

        """)
        XCTAssertEqual(r.out, "1\n2\ntensor([ True, False, False, False])\n")
        XCTAssertTrue(r.err.contains("RuntimeError"), r.err)
    }

    /// CTC on a blank-dominated output with a long target (as W2's model after its first update):
    /// the states near the end of the target lie ~e^-580 below the first ones, which float32
    /// scaling flushed to an infinite loss. Oracle: log-space CTC in float64 (numpy) on the same
    /// float32 log-probs: 486.5543.
    func testCtcOnBlankPeakyOutputIsFinite() {
        let r = run("""
        import torch
        logits = torch.zeros(148, 1, 50)
        logits[:, :, 0] = 8.0
        lp = torch.log_softmax(logits, dim=-1).requires_grad_()
        targets = (torch.arange(73) % 49 + 1)[None, :]
        loss = torch.nn.functional.ctc_loss(lp, targets, input_lengths=torch.tensor([148]), target_lengths=torch.tensor([73]), reduction="sum")
        print(f"{loss.item():.3f}")
        loss.backward()
        print(torch.isfinite(lp.grad).all().item())

        """)
        XCTAssertEqual(r.err, "")
        XCTAssertEqual(r.out, "486.554\nTrue\n")
    }
}

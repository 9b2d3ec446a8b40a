import Interpreter

/// `help()` and `help(x)`: documentation of the shell, the built-ins and the bindings.
enum Help {
    static let intro = """
    mrsh: Mini-RETURNN's shell. The language is a subset of Python 3 with a subset of PyTorch.

      import torch, torch.nn as nn, torch.nn.functional as F
      x = torch.randn(2, 3, requires_grad=True)
      lin = nn.Linear(3, 4); y = lin(x).sum(); y.backward(); lin.weight.grad

    help(x) documents a value or function (e.g. help(torch.sum), help(nn.Linear), help(x)).
    Tab completes names, attributes (model.ls<TAB>), dict keys (d["<TAB>) and file names in
    strings. Ctrl-C interrupts the running statement; Ctrl-D exits. History: ~/.mrsh_history
    (or $MRSH_HISTORY). Configs: `mrsh -f config.mrs ++key value`, `mrsh -f config.mrs -i`.

    """

    /// One-line documentation per name of the bindings (signature as PyTorch writes it).
    static func doc(for name: String) -> String? {
        if name.hasPrefix("engine.") { return builtinDocs[name] }
        if let b = TorchFunctions.table[name] { return "torch.\(name)(\(signature(b)))" }
        if let b = FunctionalBindings.table[name] { return "torch.nn.functional.\(name)(\(signature(b)))" }
        if let b = NNBindings.layers[name] { return "torch.nn.\(name)(\(signature(b)))" }
        if let b = OptimBindings.table[name] { return "torch.optim.\(name)(\(signature(b)))" }
        if let b = TensorMethods.table[name] { return "Tensor.\(name)(\(signature(b)))" }
        if let b = ModuleMethods.table[name] { return "Module.\(name)(\(signature(b)))" }
        return builtinDocs[name]
    }

    static func signature(_ b: Binding) -> String {
        b.params.filter { $0 != "self" }.joined(separator: ", ")
    }

    static let builtinDocs: [String: String] = [
        "print": "print(*values, sep=' ', end='\\n', file=sys.stdout): writes the values' str.",
        "len": "len(obj): number of items (a tensor's first dimension).",
        "range": "range(stop) / range(start, stop[, step]): integers.",
        "help": "help() / help(x): this help, or the documentation of x.",
        "isinstance": "isinstance(obj, cls): whether obj is an instance of cls (torch.Tensor, nn.Module, ...).",
        "open": "open(path, mode='r'): a text file; use `with open(...) as f:`.",
        "enumerate": "enumerate(iterable, start=0): (index, item) pairs.",
        "zip": "zip(*iterables): tuples of items taken in step.",
        "sorted": "sorted(iterable, key=None, reverse=False): a new sorted list.",
        "sum": "sum(iterable, start=0): the total (works on tensors too).",
        "min": "min(iterable) / min(a, b, ...): the smallest item.",
        "max": "max(iterable) / max(a, b, ...): the largest item.",
        "repr": "repr(x): the printed form of x (tensors as PyTorch prints them).",
        "type": "type(x): the class of x.",
        "exit": "exit(code=None): leave mrsh with this exit status.",
        "quit": "quit(code=None): leave mrsh with this exit status.",
        "engine.init_model": "init_model(): builds the model with get_model and loads the last checkpoint (resumes a run).",
        "engine.train": "train(epochs=None) / engine.train(): trains to num_epochs (or `epochs` more); Ctrl-C stops at the next step.",
        "engine.evaluate": "evaluate(): scores of the current model on dev and eval_datasets (nothing stored).",
        "engine.forward": "forward(output_file=None): runs forward_step over the config's forward dataset; returns the number of sequences.",
        "engine.load_model": "load_model(epoch=None): loads the checkpoint of `epoch` (default: the newest) into the model.",
        "engine.next_batch": "next_batch(dataset='train'): the next batch dict as train_step sees it.",
        "engine.run_train_step": "run_train_step(batch): train_step and backward without an update; the losses by name.",
        "engine.grads": "grads(): gradient norms of the last step by parameter name.",
        "engine.lr": "lr() / lr(value): the learning rate in use (value sets it for the rest of the epoch).",
        "engine.scores": "scores(): the learning-rate control table and a plot of the dev score per epoch.",
        "load_dataset": "load_dataset(opts): a dataset from a RETURNN options dict ({'class': 'HDFDataset', 'files': [...]}).",
        "init_dataset": "init_dataset(opts): the same as load_dataset (from returnn.datasets import init_dataset).",
        "dump_dataset": "dump_dataset(dataset='train', epoch=1, start_seq=0, end_seq=10, type='stdout', key='data', stats=False, dump_stats=None, dump_prefix=...): prints sequences (type stdout, print_shape, print_tag, dump_tag, dump_seq_len, null) and length statistics, as `mrsh dump-dataset`; returns the number of sequences.",
        "analyze_dataset_batches": "analyze_dataset_batches(dataset='train', epoch=1, end_seq=-1, verbose=False): batches an epoch with the config's batch_size/max_seqs/... and prints sequences per batch and padding; returns {'batches', 'seqs', 'padding'}.",
        "average_checkpoints": "average_checkpoints(checkpoints, output_path): averages checkpoint files (safetensors or Mini-RETURNN .pt) into output_path (safetensors); returns the newest epoch.",
    ]

    static func install(_ interp: Interpreter, out: @escaping (String) -> Void) {
        interp.setBuiltin("help", .builtin(PyBuiltin("help") { rt, _, args, _ in
            guard let x = args.first else { out(intro); return .none }
            out(try describe(x, rt) + "\n")
            return .none
        }))
    }

    /// The documentation of a value: bindings by their name, tensors and modules by type.
    static func describe(_ v: Value, _ rt: Runtime) throws -> String {
        switch v {
        case .builtin(let b):
            return doc(for: b.name) ?? "\(b.name): built-in function (no documentation)"
        case .str(let s):
            return doc(for: s) ?? "no documentation for '\(s)'"
        case .host(let t as TensorObject):
            return "Tensor of shape \(t.t.shape), dtype \(t.t.dtype). Methods: "
                + Array(Set(t.attributeNames)).sorted().joined(separator: ", ")
        case .host(let m as ModuleObject):
            return "\(m.module.typeName) module. Methods: " + ModuleMethods.table.keys.sorted().joined(separator: ", ")
        case .instance(let inst) where inst.host is ModuleObject:
            return "\(inst.cls.name) (nn.Module). Methods: " + ModuleMethods.table.keys.sorted().joined(separator: ", ")
        case .module(let m):
            return "module \(m.name): " + m.attributes.keys.filter { !$0.hasPrefix("_") }.sorted().joined(separator: ", ")
        case .function(_):
            let doc = try rt.getAttr(v, "__doc__")
            let name = try rt.str(try rt.getAttr(v, "__name__"))
            if case .str(let d) = doc { return "\(name)(...)\n    \(d)" }
            return "\(name)(...): a function defined in this session"
        default:
            return "\(try rt.repr(v)): \(Convert.typeName(v))"
        }
    }
}

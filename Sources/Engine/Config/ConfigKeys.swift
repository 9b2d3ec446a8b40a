import Datasets
/// The top-level settings the Engine knows (RETURNN's names), and the check for misspelled ones.
public enum ConfigKeys {
    /// Every setting read by Mini-RETURNN's engine, updater, learning-rate control, log and
    /// datasets wiring, plus mrsh's additions.
    public static let known: Set<String> = [
        // task and model
        "task", "model", "load", "load_epoch", "start_epoch", "import_model_train_epoch1", "preload_from_files",
        "load_ignore_missing_vars", "allow_missing_optimizer_checkpoint", "get_model", "train_step", "forward_step",
        "forward_init_hook", "forward_finish_hook", "device", "random_seed", "num_epochs", "save_interval",
        "cleanup_old_models", "dry_run", "torch_amp_options",
        // datasets and batching
        "train", "dev", "eval_datasets", "forward", "batch_size", "max_seqs", "batch_drop_last", "min_seq_length",
        "max_seq_length", "chunking_options", "num_workers_per_gpu",
        // updater
        "optimizer", "weight_decay", "gradient_clip", "gradient_clip_norm", "gradient_clip_norm_invalid_gradient_threshold",
        "accum_grad_multiple_step", "stop_on_nonfinite_train_score",
        // learning-rate control
        "learning_rate", "learning_rates", "learning_rate_control", "learning_rate_file", "min_learning_rate",
        "learning_rate_control_error_measure", "learning_rate_control_relative_error_relative_lr",
        "learning_rate_control_min_num_epochs_per_new_lr", "learning_rate_decay", "learning_rate_growth",
        "newbob_learning_rate_decay", "newbob_learning_rate_growth", "newbob_relative_error_threshold",
        "newbob_relative_error_grow_threshold", "newbob_relative_error_div_by_old", "newbob_error_threshold",
        "newbob_multi_num_epochs", "newbob_multi_update_interval",
        // logging
        "log", "log_verbosity", "log_format",
        // mrsh's additions
        "forward_data", "forward_output_file",
    ]

    /// One warning per config key that is not known but is close to a known one
    /// (`batch_sizes: unknown setting, did you mean 'batch_size'?`). Unknown keys far from every
    /// known one are the config's own helpers and pass silently; so do names starting with `_`.
    public static func warnings(for keys: [String]) -> [String] {
        let candidates = Array(known).sorted()
        return keys.sorted().compactMap { key in
            guard !known.contains(key), !key.hasPrefix("_"), key.count >= 4,
                  let match = closeMatch(key, candidates) else { return nil }
            return "config setting '\(key)' is not known to the engine; did you mean '\(match)'?"
        }
    }

    /// The nearest known key within 1 edit (2 for names of 10+ characters), or a known key that
    /// differs only in case or in `-` for `_`.
    static func closeMatch(_ key: String, _ candidates: [String]) -> String? {
        let normalized = key.lowercased().replacingOccurrences(of: "-", with: "_")
        if let exact = candidates.first(where: { $0 == normalized }) { return exact }
        let limit = key.count >= 10 ? 2 : 1
        var best: (String, Int)?
        for candidate in candidates {
            let d = DidYouMean.distance(key, candidate)
            if d <= limit, d < (best?.1 ?? Int.max) { best = (candidate, d) }
        }
        return best?.0
    }
}

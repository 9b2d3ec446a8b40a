import Datasets
import Tensor

/// The Engine module: Mini-RETURNN's training, evaluation and forward bookkeeping, without a language.
///
/// Parts and where they live:
/// - `Config/`: `EngineConfig` (the settings source; the shell adapts the config script's globals),
///   typed reads that name the key on a wrong type, `EngineSettings` (every engine/updater/log setting
///   with RETURNN's defaults), `ConfigKeys.warnings` (did-you-mean for misspelled known keys).
/// - `LearningRates/`: `LearningRateControl` (constant, newbob/newbob_rel/newbob_relative, newbob_abs,
///   newbob_multi_epoch; `learning_rate(s)`, `min_learning_rate`, `learning_rate_control_*`,
///   `newbob_*`, `learning_rate_decay/growth` as factor or function) and the learning_rates file,
///   written byte for byte as the original (`LearningRateFile`, `PythonRepr`) and parsed back
///   (`LearningRateFileParser`, errors as file:line:col), saved atomically.
/// - `Checkpoints/`: names (`P.NNN`, `.safetensors` ours, `.pt` the original's), the starting
///   checkpoint (`EpochModelChoice`: load, load_epoch, start_epoch, import_model_train_epoch1, task),
///   `ModelCheckpoint`/`OptimizerCheckpoint` in safetensors (epoch, step in the metadata) and from
///   Mini-RETURNN `.pt` files through a restricted unpickler that never runs code, `CheckpointStore`
///   (save, optimizer rotation, resume), `CheckpointCleanup` (cleanup_old_models),
///   `CheckpointAveraging`, `PreloadOptions` (preload_from_files).
/// - `Training/`: `EpochLoop` over a `TrainingBackend` (the tensor side: model, optimizer, batches,
///   steps), `LossAccumulator` (sum(loss)/sum(inv_norm_factor), `<dataset>_loss_<name>`),
///   `InvalidGradientGuard`, `ForwardRun`, `EngineEvent`s, the original's log lines
///   (`EngineLogLines`) and `ScoreReport` (scores table, dev-score plot, epoch summary).
///   `TensorTrainingBackend` is the real backend: Tensor `Module` from `get_model`, optimizer
///   from `OptimizerFactory`, datasets from `DatasetProvider` (config dicts or given objects),
///   batches through Datasets' `BatchLoader` converted to `TensorBatch`, `RunContext` (run_ctx),
///   state to and from the checkpoint types (`TensorState`).
/// - `TrainingEngine.swift`: the `Engine` class, the API the shell binds:
///   `Engine(config:functions:datasets:events:)` with `ModelFunctions` (Swift closures for
///   `get_model(epoch, step)`, `train_step(model, data, run_ctx)`, `forward_step`, the forward
///   hooks); `run()` (task train / eval / forward), `initModel()`, `train(epochs:)`,
///   `evaluate()`, `forward(outputFile:)`, `loadModel(epoch:)`, `nextBatch(dataset:)`,
///   `runTrainStep(_:)`, `grads()`, `lr()`, `setLearningRate(_:)`, `scores()`, `requestStop()`.
///   Errors of user functions come wrapped as `StepFunctionError` ("while running train_step: ...").
///
/// Settings read (RETURNN's names; default in brackets):
/// task [train], model, load, load_epoch, start_epoch [auto], import_model_train_epoch1,
/// preload_from_files, load_ignore_missing_vars [False], allow_missing_optimizer_checkpoint [False],
/// num_epochs [5], save_interval [1], cleanup_old_models [off; True or {keep_last_n: 2,
/// keep_best_n: 4, keep: []}], random_seed [42], device, dry_run; batch_size [1, int or per key],
/// max_seqs [-1], batch_drop_last [False], min_seq_length, max_seq_length, chunking_options,
/// num_workers_per_gpu [1], dev, eval_datasets; optimizer ({"class": name, ...}; epsilon → eps;
/// learning_rate_multiplier), weight_decay, gradient_clip, gradient_clip_norm,
/// gradient_clip_norm_invalid_gradient_threshold [3], accum_grad_multiple_step [1],
/// stop_on_nonfinite_train_score [True]; learning_rate [1.0], learning_rates, learning_rate_control
/// [constant], learning_rate_file, min_learning_rate [0.0], learning_rate_control_error_measure,
/// learning_rate_control_relative_error_relative_lr [False],
/// learning_rate_control_min_num_epochs_per_new_lr [0], learning_rate_decay /
/// newbob_learning_rate_decay [0.5], learning_rate_growth / newbob_learning_rate_growth [1.0],
/// newbob_relative_error_threshold [-0.01], newbob_relative_error_grow_threshold [= threshold],
/// newbob_relative_error_div_by_old [False], newbob_error_threshold [-0.01],
/// newbob_multi_num_epochs [5], newbob_multi_update_interval [= num_epochs]; log, log_verbosity [3],
/// log_format; forward (the forward task's dataset; `forward_data` is read when it is not set), forward_output_file (mrsh: where `mark_as_output` tensors are written).
public enum EngineModule { public static let name = "Engine" }

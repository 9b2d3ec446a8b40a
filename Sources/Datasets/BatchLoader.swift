import Foundation

/// Produces the batches of one epoch on a background thread into a bounded queue, so loading
/// and collation overlap the consumer's compute (the role of PyTorch's DataLoader worker).
///
/// While a loader runs, it owns the dataset: do not call the dataset from other threads until
/// `next()` returned nil, threw, or `cancel()` was called. Errors of the producer are rethrown
/// by `next()` in order, after the batches produced before them. Dropping the loader cancels it.
public final class BatchLoader {
    private let channel: BoundedChannel

    /// Number of sequences in this epoch (before length filter and chunking), for progress bars.
    public let numSeqs: Int

    /// Calls `init_seq_order(epoch)` on the caller's thread (so option errors are thrown here and
    /// `numSeqs` is known), then loads the epoch on a background thread.
    /// `prefetch` bounds the number of ready batches waiting in the queue.
    public init(dataset: Dataset, epoch: Int, options: PipelineOptions, prefetch: Int = 2) throws {
        let channel = BoundedChannel(capacity: max(1, prefetch))
        self.channel = channel
        let it = try BatchIterator(dataset: dataset, epoch: epoch, options: options)
        numSeqs = dataset.numSeqs
        let t = Thread {
            do {
                while let b = try it.next() {
                    guard channel.push(.batch(b)) else { return }
                }
                _ = channel.push(.end)
            } catch {
                _ = channel.push(.failure(error))
            }
        }
        t.name = "mrsh-batch-loader"
        t.start()
    }

    deinit { channel.cancel() }

    /// The next batch, nil at the end of the epoch; rethrows a producer error.
    public func next() throws -> Batch? { try channel.pop() }

    /// Stops the producer after its current batch; later `next()` calls return nil.
    public func cancel() { channel.cancel() }
}

/// A blocking queue of at most `capacity` items between one producer and one consumer.
final class BoundedChannel {
    enum Item {
        case batch(Batch)
        case failure(Error)
        case end
    }

    private let condition = NSCondition()
    private var queue: [Item] = []
    private var cancelled = false
    private var finished = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// Waits for room; false if cancelled.
    func push(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity && !cancelled { condition.wait() }
        if cancelled { return false }
        queue.append(item)
        condition.broadcast()
        return true
    }

    func pop() throws -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        if finished { return nil }
        while queue.isEmpty && !cancelled { condition.wait() }
        if queue.isEmpty { return nil }
        let item = queue.removeFirst()
        condition.broadcast()
        switch item {
        case .batch(let b): return b
        case .end:
            finished = true
            return nil
        case .failure(let e):
            finished = true
            throw e
        }
    }

    func cancel() {
        condition.lock()
        cancelled = true
        finished = true
        queue.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}

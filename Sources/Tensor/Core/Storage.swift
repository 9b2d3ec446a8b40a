#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A flat, 64-byte aligned buffer shared by a tensor and all its views.
///
/// `version` counts in-place writes; autograd compares it with the value seen when a tensor
/// was saved for backward (PyTorch's `_version`).
public final class Storage: @unchecked Sendable {
    public let bytes: UnsafeMutableRawPointer
    public let byteCount: Int
    private let capacity: Int
    public internal(set) var version: Int = 0

    /// Allocates `byteCount` uninitialized bytes.
    init(byteCount: Int) {
        self.byteCount = byteCount
        (bytes, capacity) = BufferPool.allocate(byteCount)
    }

    /// Allocates `byteCount` zeroed bytes.
    convenience init(zeroedByteCount byteCount: Int) {
        self.init(byteCount: byteCount)
        bytes.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
    }

    deinit { BufferPool.release(bytes, capacity) }

    func bumpVersion() { version &+= 1 }
}

/// Keeps freed large buffers (>= 1 MB, up to 256 MB in total) for reuse, so a training step that
/// allocates the same activation sizes every iteration does not page-fault fresh memory each
/// time (large mallocs are fresh mmaps in glibc). Small buffers go straight to malloc.
enum BufferPool {
    private static let minPooled = 1 << 20
    private static let maxCached = 256 << 20
    private static var free: [Int: [UnsafeMutableRawPointer]] = [:]
    private static var cachedBytes = 0
    private static var mutex: UnsafeMutablePointer<pthread_mutex_t> = {
        let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(m, nil)
        return m
    }()

    /// Rounds up to one of 8 size classes per power of two.
    private static func sizeClass(_ n: Int) -> Int {
        if n < minPooled { return Swift.max(n, 64) }
        let top = Int.bitWidth - 1 - n.leadingZeroBitCount
        let step = 1 << (top - 3)
        return (n + step - 1) / step * step
    }

    /// A cached buffer of at least `n` bytes (best fit among the size classes up to 2n), else a new one.
    /// Taking a somewhat larger buffer keeps batches of varying length (padded T changes every
    /// step) on already-touched memory instead of faulting in fresh pages.
    static func allocate(_ n: Int) -> (UnsafeMutableRawPointer, Int) {
        let cap = sizeClass(n)
        if cap >= minPooled {
            pthread_mutex_lock(mutex)
            let top = Int.bitWidth - 1 - cap.leadingZeroBitCount
            let step = 1 << (top - 3)
            var candidate = cap
            while candidate <= 2 * cap {
                if var list = free[candidate], let p = list.popLast() {
                    free[candidate] = list
                    cachedBytes -= candidate
                    pthread_mutex_unlock(mutex)
                    return (p, candidate)
                }
                candidate += candidate >= 2 << top ? step * 2 : step
            }
            pthread_mutex_unlock(mutex)
        }
        return (UnsafeMutableRawPointer.allocate(byteCount: cap, alignment: 64), cap)
    }

    static func release(_ p: UnsafeMutableRawPointer, _ cap: Int) {
        if cap >= minPooled {
            pthread_mutex_lock(mutex)
            if cachedBytes + cap <= maxCached {
                free[cap, default: []].append(p)
                cachedBytes += cap
                pthread_mutex_unlock(mutex)
                return
            }
            pthread_mutex_unlock(mutex)
        }
        p.deallocate()
    }
}

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
        (bytes, capacity, _) = BufferPool.allocate(byteCount)
    }

    /// Allocates `byteCount` zeroed bytes (fresh pages from the kernel are zero already).
    init(zeroedByteCount byteCount: Int) {
        self.byteCount = byteCount
        let fresh: Bool
        (bytes, capacity, fresh) = BufferPool.allocate(byteCount)
        if !fresh { bytes.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount) }
    }

    deinit { BufferPool.release(bytes, capacity) }

    func bumpVersion() { version &+= 1 }
}

/// Recycles large buffers so that a training step, which allocates about the same activation
/// sizes every iteration, runs on memory that is already resident instead of page-faulting
/// (and zero-filling) fresh pages each time.
///
/// Buffers of at least 64 KB are mapped with mmap (page-aligned; 2 MB ones with transparent
/// huge pages where the kernel allows it) and, when freed, kept in a cache. A request takes
/// the best-fitting cached buffer of 1 to 2 times its size. The cache never raises the
/// footprint: when a request misses and live + cached + new would exceed the largest footprint
/// seen so far, the least recently freed buffers are unmapped first. So the resident memory of
/// pooled buffers stays at the peak of live memory (plus rounding), and the cache holds memory
/// only where the live set is below that peak. Smaller buffers go to malloc.
enum BufferPool {
    private static let minPooled = 64 << 10
    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
    private static let hugePage = 2 << 20
    /// Cached buffers, least recently freed first.
    nonisolated(unsafe) private static var cache: [(pointer: UnsafeMutableRawPointer, capacity: Int)] = []
    nonisolated(unsafe) private static var cachedBytes = 0
    nonisolated(unsafe) private static var liveBytes = 0
    nonisolated(unsafe) private static var footprintHighWater = 0
    nonisolated(unsafe) private static var mutex: UnsafeMutablePointer<pthread_mutex_t> = {
        let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(m, nil)
        return m
    }()

    /// Rounds up to one of 8 size classes per power of two, in whole pages.
    private static func sizeClass(_ n: Int) -> Int {
        if n < minPooled { return Swift.max(n, 64) }
        let top = Int.bitWidth - 1 - n.leadingZeroBitCount
        let step = Swift.max(1 << (top - 3), pageSize)
        return (n + step - 1) / step * step
    }

    /// A buffer of at least `n` bytes, its capacity, and whether it is fresh (zero-filled) memory.
    static func allocate(_ n: Int) -> (UnsafeMutableRawPointer, Int, Bool) {
        let cap = sizeClass(n)
        guard cap >= minPooled else {
            return (UnsafeMutableRawPointer.allocate(byteCount: cap, alignment: 64), cap, false)
        }
        pthread_mutex_lock(mutex)
        var best = -1
        for (i, e) in cache.enumerated() where e.capacity >= cap && e.capacity <= 2 * cap {
            if best < 0 || e.capacity < cache[best].capacity { best = i }
            if e.capacity == cap { break }
        }
        if best >= 0 {
            let e = cache.remove(at: best)
            cachedBytes -= e.capacity
            liveBytes += e.capacity
            pthread_mutex_unlock(mutex)
            return (e.pointer, e.capacity, false)
        }
        // A miss: make room among the cached buffers before growing the footprint.
        var toUnmap: [(pointer: UnsafeMutableRawPointer, capacity: Int)] = []
        var drop = 0
        while drop < cache.count && liveBytes + cachedBytes + cap > footprintHighWater {
            toUnmap.append(cache[drop])
            cachedBytes -= cache[drop].capacity
            drop += 1
        }
        cache.removeFirst(drop)
        liveBytes += cap
        footprintHighWater = Swift.max(footprintHighWater, liveBytes + cachedBytes)
        pthread_mutex_unlock(mutex)
        for e in toUnmap { munmap(e.pointer, e.capacity) }
        let (p, zeroed) = map(cap)
        return (p, cap, zeroed)
    }

    static func release(_ p: UnsafeMutableRawPointer, _ cap: Int) {
        guard cap >= minPooled else { p.deallocate(); return }
        pthread_mutex_lock(mutex)
        liveBytes -= cap
        if heapFallback.remove(p) != nil {
            pthread_mutex_unlock(mutex)
            p.deallocate()
            return
        }
        cache.append((p, cap))
        cachedBytes += cap
        pthread_mutex_unlock(mutex)
    }

    /// Buffers that came from the heap because mmap failed (released with `deallocate`).
    nonisolated(unsafe) private static var heapFallback: Set<UnsafeMutableRawPointer> = []

    /// A fresh mapping of `cap` bytes and true (zero-filled), or, when the kernel refuses even
    /// after the cache is given back, a heap buffer and false: then the allocation fails, if at
    /// all, the way every Swift allocation does.
    private static func map(_ cap: Int) -> (UnsafeMutableRawPointer, Bool) {
        var p = mmap(nil, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        if p == MAP_FAILED || p == nil {
            // Give the whole cache back and try once more.
            pthread_mutex_lock(mutex)
            let all = cache
            cache = []
            cachedBytes = 0
            pthread_mutex_unlock(mutex)
            for e in all { munmap(e.pointer, e.capacity) }
            p = mmap(nil, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        }
        guard let p = p, p != MAP_FAILED else {
            let heap = UnsafeMutableRawPointer.allocate(byteCount: cap, alignment: pageSize)
            pthread_mutex_lock(mutex)
            heapFallback.insert(heap)
            pthread_mutex_unlock(mutex)
            return (heap, false)
        }
        #if os(Linux)
        if cap >= hugePage { _ = madvise(p, cap, MADV_HUGEPAGE) }
        #endif
        return (p, true)
    }

    /// Bytes of pooled buffers in use and cached (for tests and benchmarks).
    static var statistics: (live: Int, cached: Int, footprintHighWater: Int) {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return (liveBytes, cachedBytes, footprintHighWater)
    }
}

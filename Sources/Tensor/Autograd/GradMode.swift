#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether ops record autograd history on the current thread (PyTorch's grad mode).
///
/// Thread-local, so a data-loader thread never sees the training thread's `noGrad` scope.
public enum GradMode {
    private static let key: pthread_key_t = {
        var k = pthread_key_t()
        pthread_key_create(&k, nil)
        return k
    }()

    /// Depth of nested no-grad scopes on this thread; 0 means enabled.
    private static var disabledDepth: Int {
        get { Int(bitPattern: pthread_getspecific(key)) }
        set { pthread_setspecific(key, UnsafeRawPointer(bitPattern: newValue)) }
    }

    public static var isEnabled: Bool { disabledDepth == 0 }

    /// Runs `body` with gradient recording off (PyTorch's `torch.no_grad()`).
    @discardableResult
    public static func noGrad<T>(_ body: () throws -> T) rethrows -> T {
        disabledDepth += 1
        defer { disabledDepth -= 1 }
        return try body()
    }

    /// Turns recording off until the matching `endNoGrad()`: for scopes whose body is not a Swift
    /// closure (the shell's `with torch.no_grad():`). Calls must pair on the same thread.
    public static func beginNoGrad() { disabledDepth += 1 }

    /// Ends a scope opened by `beginNoGrad()`.
    public static func endNoGrad() { disabledDepth = Swift.max(0, disabledDepth - 1) }

    /// Runs `body` with gradient recording on even inside a no-grad scope (`torch.enable_grad()`).
    public static func enableGrad<T>(_ body: () throws -> T) rethrows -> T {
        let saved = disabledDepth
        disabledDepth = 0
        defer { disabledDepth = saved }
        return try body()
    }
}

/// Shorthand for `GradMode.noGrad`.
@discardableResult
public func noGrad<T>(_ body: () throws -> T) rethrows -> T { try GradMode.noGrad(body) }

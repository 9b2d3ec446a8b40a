/// The singleton `Ellipsis` (the literal `...`), as in CPython: repr `Ellipsis`, type `ellipsis`.
/// Host objects recognise it in an index through `Value.isEllipsis` (PyTorch's `x[..., 0]`).
public final class EllipsisObject: HostObject {
    /// The one instance; `... is Ellipsis` holds because every `...` evaluates to it.
    public static let shared = EllipsisObject()
    private init() {}
    public var typeName: String { "ellipsis" }
    public func repr() -> String { "Ellipsis" }
}

public extension Value {
    /// The `Ellipsis` singleton.
    static var ellipsis: Value { .host(EllipsisObject.shared) }
    /// True for `...` / `Ellipsis`.
    var isEllipsis: Bool {
        if case .host(let h) = self { return h === EllipsisObject.shared }
        return false
    }
}

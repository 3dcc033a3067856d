/// An operator class of an index column (`opclass: {name, params[]}`).
public struct OperatorClass: Sendable, Equatable, Hashable {
    /// The operator class name, e.g. `gin_trgm_ops`.
    public var name: String?
    /// Operator class parameters as raw SQL, e.g. `siglen=32` (empty when absent).
    public var params: [String]

    /// Creates an operator class.
    public init(name: String? = nil, params: [String] = []) {
        self.name = name
        self.params = params
    }
}

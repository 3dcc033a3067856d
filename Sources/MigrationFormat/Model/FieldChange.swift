/// The value of a tri-state field: absent (no change), explicit `null` (remove), or a new value.
///
/// Tri-state fields are declared as `FieldChange<Value>?`: `nil` means the key was absent, so nothing
/// changes; `.remove` means the file said `null` (YAML `~`/`null`, JSON `null`); `.set(value)` means the
/// file gave a value.
public enum FieldChange<Value: Sendable & Hashable>: Sendable, Equatable, Hashable {
    /// The file gave an explicit `null`: remove the current value (e.g. `DROP DEFAULT`).
    case remove
    /// The file gave a value: set it.
    case set(Value)

    /// The new value, or `nil` for `.remove`.
    public var value: Value? {
        if case let .set(value) = self { return value }
        return nil
    }
}

/// Thrown by the throwing decoding entry points when a file or directory has errors; carries every
/// diagnostic that was found, not just the first.
public struct MigrationFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// All diagnostics (errors and warnings), in file and position order.
    public var diagnostics: [Diagnostic]

    /// Creates the error.
    public init(diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    /// The diagnostics with severity `error`.
    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }

    /// One line per diagnostic.
    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}

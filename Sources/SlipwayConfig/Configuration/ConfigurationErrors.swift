/// Every problem found in one configuration load, in file order — Slipway reports them all at once.
public struct ConfigurationErrors: Error, Sendable, Hashable, CustomStringConvertible {
    /// The problems, sorted by file and position (problems without a position last).
    public var errors: [ConfigurationError]

    /// Creates the list, sorting it by position.
    public init(_ errors: [ConfigurationError]) {
        self.errors = errors.enumerated().sorted { lhs, rhs in
            switch (lhs.element.position, rhs.element.position) {
            case let (left?, right?): left == right ? lhs.offset < rhs.offset : left < right
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): lhs.offset < rhs.offset
            }
        }.map(\.element)
    }

    /// One line per problem.
    public var description: String {
        errors.map(\.description).joined(separator: "\n")
    }
}

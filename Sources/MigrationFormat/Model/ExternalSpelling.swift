/// A closed set of values whose raw values are the spelling used in migration files
/// (`NO ACTION`, `BY DEFAULT`, `btree`, `foreign_key`, …).
///
/// Decoding is case-insensitive and treats runs of whitespace and underscores inside the value as one
/// separator, so `no action`, `NO ACTION` and `No_Action` all mean ``ForeignKeyAction/noAction``.
public protocol ExternalSpelling: RawRepresentable, CaseIterable, Sendable, Hashable
where RawValue == String {}

extension ExternalSpelling {
    /// Parses a value from its external spelling, ignoring case and separator differences.
    public init?(spelling: String) {
        let wanted = Self.normalise(spelling)
        guard let match = Self.allCases.first(where: { Self.normalise($0.rawValue) == wanted }) else {
            return nil
        }
        self = match
    }

    /// Every valid spelling, in declaration order.
    public static var validSpellings: [String] { allCases.map(\.rawValue) }

    private static func normalise(_ text: String) -> String {
        text.lowercased()
            .split(whereSeparator: { $0 == " " || $0 == "_" || $0 == "\t" })
            .joined(separator: " ")
    }
}

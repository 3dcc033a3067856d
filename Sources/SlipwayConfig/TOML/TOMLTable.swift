/// A TOML table: keys in document order, each with the position of its key and its value.
public struct TOMLTable: Sendable, Equatable {
    /// One key/value pair of a table.
    public struct Entry: Sendable, Equatable {
        /// The key (one segment: a dotted key `a.b = 1` becomes a table `a` holding `b`).
        public var key: String
        /// Where the key is written (for a table defined by a header, the segment in the header).
        public var keyPosition: SourcePosition
        /// The value.
        public var value: TOMLValue

        /// Creates an entry.
        public init(key: String, keyPosition: SourcePosition, value: TOMLValue) {
            self.key = key
            self.keyPosition = keyPosition
            self.value = value
        }
    }

    /// The entries in the order their keys first appear in the document.
    public var entries: [Entry]

    /// Creates a table from entries (keys are expected to be unique).
    public init(entries: [Entry] = []) {
        self.entries = entries
    }

    /// The keys in document order.
    public var keys: [String] { entries.map(\.key) }

    /// The entry for `key`, if present.
    public func entry(_ key: String) -> Entry? {
        entries.first { $0.key == key }
    }

    /// The value for `key`, if present.
    public subscript(key: String) -> TOMLValue? {
        entry(key)?.value
    }

    /// Follows a path of keys through nested tables.
    public subscript(path path: [String]) -> TOMLValue? {
        guard let first = path.first, let value = self[first] else { return nil }
        if path.count == 1 { return value }
        return value.tableValue?[path: Array(path.dropFirst())]
    }
}

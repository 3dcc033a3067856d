/// The mutable table tree the parser builds, with the bookkeeping TOML's definition rules need.
///
/// A table remembers how it came to exist: implicitly (as the parent in a header such as `[a.b]`), from a
/// header, or from dotted keys. Those origins decide what may still be added to it later. Inline tables are
/// converted to immutable values as soon as they are closed, so nothing can add to them.
final class TOMLTableBuilder {
    /// How a table came to exist.
    enum Origin {
        /// Created as a parent by a header (`a` in `[a.b]`); may still be defined by its own header once.
        case implicit
        /// Defined by a `[header]` or an element of `[[header]]`.
        case header
        /// Created by a dotted key (`a` in `a.b = 1`); dotted keys may add to it, headers may not define it.
        case dotted
    }

    /// A table's child.
    enum Node {
        case value(TOMLValue)
        case table(TOMLTableBuilder)
        case tableArray(TOMLTableArrayBuilder)
    }

    /// One child with its key position.
    struct Entry {
        var keyPosition: SourcePosition
        var node: Node
    }

    var origin: Origin
    let position: SourcePosition
    private(set) var order: [String] = []
    private(set) var entries: [String: Entry] = [:]

    init(origin: Origin, position: SourcePosition) {
        self.origin = origin
        self.position = position
    }

    subscript(key: String) -> Entry? { entries[key] }

    func add(_ key: String, at position: SourcePosition, _ node: Node) {
        if entries[key] == nil { order.append(key) }
        entries[key] = Entry(keyPosition: position, node: node)
    }

    /// The immutable table.
    func build() -> TOMLTable {
        TOMLTable(entries: order.compactMap { key in
            guard let entry = entries[key] else { return nil }
            let value: TOMLValue
            switch entry.node {
            case .value(let leaf):
                value = leaf
            case .table(let table):
                value = TOMLValue(.table(table.build()), at: table.position)
            case .tableArray(let array):
                value = TOMLValue(
                    .array(array.tables.map { TOMLValue(.table($0.build()), at: $0.position) }),
                    at: array.position)
            }
            return TOMLTable.Entry(key: key, keyPosition: entry.keyPosition, value: value)
        })
    }
}

/// An array of tables under construction (`[[name]]` headers append to it).
final class TOMLTableArrayBuilder {
    let position: SourcePosition
    var tables: [TOMLTableBuilder] = []

    init(position: SourcePosition) {
        self.position = position
    }
}

import PostgresClient

/// Another tool's history table as found in the catalog: where it is and which columns it has, so an import
/// can tell the tool's table layouts apart (and refuse a table that only shares the name).
struct ForeignTable: Sendable {
    /// One layout of a tool's table: a label (said in the import report) and the columns it must have, each
    /// with the type families it may have.
    struct Layout: Sendable {
        var label: String
        var columns: [(name: String, types: Set<String>)]

        var description: String {
            "\(label) (" + columns.map { "\($0.name) \($0.types.sorted().joined(separator: "|"))" }.joined(separator: ", ") + ")"
        }
    }

    /// `schema.table`, quoted only where needed (usable in SQL and shown in reports).
    var qualifiedName: String
    var schema: String
    var name: String
    /// Column name and type family (`format_type` without modifiers: `integer`, `character varying`…), in column order.
    var columns: [(name: String, type: String)]

    /// The table `relation` resolves to (`schema.table`, or a bare name looked up on the search_path), if any.
    static func find(_ relation: String, _ session: PostgresConnection) async throws -> ForeignTable? {
        let rows = try await session.query(
            """
            SELECT n.nspname AS schema, c.relname AS name, format('%I.%I', n.nspname, c.relname) AS qualified
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.oid = to_regclass(\(relation)) AND c.relkind IN ('r', 'p', 'v')
            """)
        guard let row = rows.first else { return nil }
        let columns = try await session.query(
            """
            SELECT a.attname AS name, format_type(a.atttypid, NULL) AS type
            FROM pg_attribute a WHERE a.attrelid = to_regclass(\(relation)) AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum
            """
        ).map { (try $0.decode("name", as: String.self), try $0.decode("type", as: String.self)) }
        return ForeignTable(
            qualifiedName: try row.decode("qualified"), schema: try row.decode("schema"), name: try row.decode("name"), columns: columns)
    }

    func has(_ column: String) -> Bool { columns.contains { $0.name == column } }

    /// The first of `layouts` (newest first: an older layout's columns are a subset of a newer one's) the table has.
    /// - Throws: ``MigrationError`` `.history` naming the columns found and the layouts expected.
    func layout(_ layouts: [Layout], tool: String) throws -> Layout {
        let types = Dictionary(columns.map { ($0.name, $0.type) }, uniquingKeysWith: { first, _ in first })
        if let match = layouts.first(where: { layout in
            layout.columns.allSatisfy { column in types[column.name].map(column.types.contains) ?? false }
        }) {
            return match
        }
        throw MigrationError(
            .history,
            "\(qualifiedName) does not have a \(tool) layout Slipway knows: it has columns ("
                + columns.map { "\($0.name) \($0.type)" }.joined(separator: ", ") + "); expected "
                + layouts.map(\.description).joined(separator: " or "),
            hint: "check that the table belongs to \(tool) (and --from-schema); nothing was recorded")
    }
}

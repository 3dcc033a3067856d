import PostgresClient

/// What Slipway needs to know about one table, read from the system catalogs.
public struct TableInfo: Sendable, Hashable {
    /// One column.
    public struct ColumnInfo: Sendable, Hashable {
        public var name: String
        /// `format_type` spelling (`character varying(50)`, `bigint`).
        public var type: String
        public var notNull: Bool
        public var defaultExpression: String?
        /// `a` (ALWAYS) / `d` (BY DEFAULT) identity, `s` stored generated, or nil.
        public var identity: String?
        public var generated: Bool
        /// The column's comment (`col_description`), if any.
        public var comment: String? = nil
    }

    /// One constraint of the table (`pg_constraint`).
    public struct ConstraintInfo: Sendable, Hashable {
        public var name: String
        /// `contype`: `p`, `u`, `c`, `f`, `x`, `n`, `t`.
        public var type: String
        /// A primary key or unique constraint some foreign key depends on.
        public var referencedByForeignKey: Bool = false
        /// The columns it covers (`conkey`; for a CHECK, the columns its expression reads).
        public var columns: [String] = []
        /// `pg_get_constraintdef` (nil in an offline catalog).
        public var definition: String? = nil
        /// For a foreign key: the referenced table (in the same schema) and columns.
        public var referencedTable: String? = nil
        public var referencedColumns: [String] = []
    }

    /// One index of the table.
    public struct IndexInfo: Sendable, Hashable {
        public var name: String
        /// The index backs a constraint (primary key, unique, exclusion): dropping it needs `drop_constraint`.
        public var backsConstraint: Bool
        /// An index of a partitioned table (`relkind = 'I'`), which `DROP INDEX CONCURRENTLY` refuses.
        public var partitioned: Bool
        public var unique: Bool
        /// The index is a partition of a partitioned index (it cannot be dropped on its own).
        public var attachedToParent: Bool = false
        /// Every column the index reads: key and INCLUDE columns, expressions and the predicate.
        public var columns: [String] = []
        /// `pg_get_indexdef` (nil in an offline catalog).
        public var definition: String? = nil
    }

    public var schema: String
    public var name: String
    public var columns: [ColumnInfo]
    /// The primary key columns in key order (empty if none).
    public var primaryKey: [String]
    /// Columns of the first UNIQUE index whose columns are all NOT NULL, when there is no primary key.
    public var uniqueNotNullKey: [String]
    /// Estimated rows (`pg_class.reltuples`; -1 when never analysed).
    public var estimatedRows: Int
    /// Whether row-level security is enabled.
    public var rowSecurity: Bool
    /// `relreplident`: `d` (default), `f` (full), `n` (nothing), `i` (index).
    public var replicaIdentity: String = "d"
    /// The replica identity index when `replicaIdentity` is `i`.
    public var replicaIdentityIndex: String? = nil
    /// Constraints of the table.
    public var constraints: [ConstraintInfo] = []
    /// Indexes of the table.
    public var indexes: [IndexInfo] = []
    /// Foreign keys of other tables referencing this one, as `table.constraint`.
    public var referencedBy: [String] = []
    /// Set for a partitioned table (`relkind = 'p'`): its key and every partition below it.
    public var partitioning: Partitioning? = nil

    /// A partitioned table's key and partition tree.
    public struct Partitioning: Sendable, Hashable {
        /// One partition at any depth (`pg_partition_tree`), parents before their children.
        public struct Partition: Sendable, Hashable {
            public var schema: String
            public var name: String
            /// The partitioned table (or partitioned partition) it belongs to.
            public var parentSchema: String
            public var parentName: String
            /// A partition that is itself partitioned (it has no storage, only partitions).
            public var partitioned: Bool
            /// 1 for direct partitions, 2 for their partitions, …
            public var level: Int
        }
        /// Columns of the partition keys of this table and of every partitioned partition below it.
        public var keyColumns: [String]
        /// Whether some level is partitioned by an expression (a unique index cannot cover that key).
        public var hasExpressionKey: Bool
        public var partitions: [Partition]
    }

    /// The column named `name`, if any.
    public func column(_ name: String) -> ColumnInfo? { columns.first { $0.name == name } }

    /// The key the backfill walks: the primary key, else a UNIQUE NOT NULL key.
    public var backfillKey: [String] { primaryKey.isEmpty ? uniqueNotNullKey : primaryKey }
}

/// Reads tables, columns, keys and privileges from the catalogs (read-only, ACCESS SHARE at most).
public enum TableCatalog {
    /// Every ordinary or partitioned table of `schema`, by name.
    public static func tables(in schema: String, connection: PostgresConnection) async throws -> [String: TableInfo] {
        let tableRows = try await connection.query(
            """
            SELECT c.oid::int8 AS oid, c.relname, c.reltuples::int8 AS reltuples, c.relrowsecurity,
                   c.relreplident::text AS relreplident
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = \(schema) AND c.relkind IN ('r', 'p')
            """)
        var result: [String: TableInfo] = [:]
        var byOID: [Int: String] = [:]
        for row in tableRows {
            let name: String = try row.decode("relname")
            byOID[try row.decode("oid", as: Int.self)] = name
            result[name] = TableInfo(
                schema: schema, name: name, columns: [], primaryKey: [], uniqueNotNullKey: [],
                estimatedRows: try row.decode("reltuples"), rowSecurity: try row.decode("relrowsecurity"))
            result[name]?.replicaIdentity = try row.decode("relreplident")
        }
        if result.isEmpty { return result }
        let columnRows = try await connection.query(
            """
            SELECT a.attrelid::int8 AS oid, a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull,
                   pg_get_expr(d.adbin, d.adrelid) AS default_expr, nullif(a.attidentity, '') AS identity,
                   a.attgenerated <> '' AS generated, col_description(a.attrelid, a.attnum) AS comment
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE n.nspname = \(schema) AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attrelid, a.attnum
            """)
        for row in columnRows {
            guard let table = byOID[try row.decode("oid", as: Int.self)] else { continue }
            result[table]?.columns.append(
                TableInfo.ColumnInfo(
                    name: try row.decode("attname"), type: try row.decode("type"), notNull: try row.decode("attnotnull"),
                    defaultExpression: try row.decode("default_expr", as: String?.self),
                    identity: try row.decode("identity", as: String?.self), generated: try row.decode("generated"),
                    comment: try row.decode("comment", as: String?.self)))
        }
        let constraintRows = try await connection.query(
            """
            SELECT co.conrelid::int8 AS oid, co.conname::text AS name, co.contype::text AS type,
                   co.contype IN ('p', 'u') AND EXISTS (
                       SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = co.conindid) AS referenced,
                   pg_get_constraintdef(co.oid) AS definition,
                   coalesce((SELECT array_agg(a.attname::text ORDER BY k.o) FROM unnest(co.conkey) WITH ORDINALITY AS k(n, o)
                             JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.n), '{}') AS columns,
                   CASE WHEN co.contype = 'f' AND fn.nspname = \(schema) THEN fc.relname::text END AS referenced_table,
                   coalesce((SELECT array_agg(a.attname::text ORDER BY k.o) FROM unnest(co.confkey) WITH ORDINALITY AS k(n, o)
                             JOIN pg_attribute a ON a.attrelid = co.confrelid AND a.attnum = k.n), '{}') AS referenced_columns
            FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_class fc ON fc.oid = co.confrelid LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
            WHERE n.nspname = \(schema) ORDER BY co.conname
            """)
        for row in constraintRows {
            guard let table = byOID[try row.decode("oid", as: Int.self)] else { continue }
            result[table]?.constraints.append(TableInfo.ConstraintInfo(
                name: try row.decode("name"), type: try row.decode("type"), referencedByForeignKey: try row.decode("referenced"),
                columns: try row.decode("columns"), definition: try row.decode("definition", as: String?.self),
                referencedTable: try row.decode("referenced_table", as: String?.self),
                referencedColumns: try row.decode("referenced_columns")))
        }
        let indexRows = try await connection.query(
            """
            SELECT i.indrelid::int8 AS oid, ic.relname::text AS name, ic.relkind::text = 'I' AS partitioned, i.indisunique,
                   ic.relispartition AS attached,
                   i.indisreplident, EXISTS (SELECT 1 FROM pg_constraint co WHERE co.conindid = i.indexrelid AND co.conrelid = i.indrelid AND co.contype IN ('p', 'u', 'x')) AS backs,
                   pg_get_indexdef(i.indexrelid) AS definition,
                   coalesce((SELECT array_agg(a.attname::text ORDER BY a.attnum) FROM pg_attribute a
                             WHERE a.attrelid = i.indrelid AND a.attnum > 0 AND (a.attnum = ANY (i.indkey::int2[]) OR a.attnum IN (
                                 SELECT d.refobjsubid FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = i.indexrelid
                                 AND d.refclassid = 'pg_class'::regclass AND d.refobjid = i.indrelid))), '{}') AS columns
            FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace
            WHERE n.nspname = \(schema) ORDER BY ic.relname
            """)
        for row in indexRows {
            guard let table = byOID[try row.decode("oid", as: Int.self)] else { continue }
            let name: String = try row.decode("name")
            result[table]?.indexes.append(TableInfo.IndexInfo(
                name: name, backsConstraint: try row.decode("backs"), partitioned: try row.decode("partitioned"),
                unique: try row.decode("indisunique"), attachedToParent: try row.decode("attached"),
                columns: try row.decode("columns"), definition: try row.decode("definition", as: String?.self)))
            if try row.decode("indisreplident", as: Bool.self) { result[table]?.replicaIdentityIndex = name }
        }
        try await readPartitioning(schema: schema, into: &result, connection: connection)
        let referenceRows = try await connection.query(
            """
            SELECT co.confrelid::int8 AS oid, c.relname::text || '.' || co.conname::text AS name
            FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid
            JOIN pg_class t ON t.oid = co.confrelid JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = \(schema) AND co.contype = 'f' AND co.conrelid <> co.confrelid AND co.conparentid = 0
            ORDER BY 2
            """)
        for row in referenceRows {
            guard let table = byOID[try row.decode("oid", as: Int.self)] else { continue }
            result[table]?.referencedBy.append(try row.decode("name"))
        }
        let keyRows = try await connection.query(
            """
            SELECT i.indrelid::int8 AS oid, i.indisprimary,
                   array_agg(a.attname::text ORDER BY k.ordinality) AS columns,
                   bool_and(a.attnotnull) AS all_not_null
            FROM pg_index i
            JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ordinality)
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            WHERE n.nspname = \(schema) AND i.indisunique AND i.indisvalid AND i.indpred IS NULL
                  AND i.indexprs IS NULL
            GROUP BY i.indexrelid, i.indrelid, i.indisprimary
            ORDER BY i.indisprimary DESC, count(*), i.indexrelid
            """)
        for row in keyRows {
            guard let table = byOID[try row.decode("oid", as: Int.self)] else { continue }
            let columns: [String] = try row.decode("columns")
            if try row.decode("indisprimary", as: Bool.self) {
                result[table]?.primaryKey = columns
            } else if try row.decode("all_not_null", as: Bool.self), result[table]?.uniqueNotNullKey.isEmpty == true {
                result[table]?.uniqueNotNullKey = columns
            }
        }
        return result
    }

    /// Fills ``TableInfo/partitioning`` for the partitioned tables of `result` (`pg_partition_tree`,
    /// `pg_partitioned_table`; PostgreSQL 12+).
    private static func readPartitioning(
        schema: String, into result: inout [String: TableInfo], connection: PostgresConnection
    ) async throws {
        let rows = try await connection.query(
            """
            SELECT root.relname::text AS root, pn.nspname::text AS schema, pc.relname::text AS name,
                   parn.nspname::text AS parent_schema, parc.relname::text AS parent_name,
                   pc.relkind = 'p' AS partitioned, t.level::int4 AS level
            FROM pg_class root JOIN pg_namespace n ON n.oid = root.relnamespace
            CROSS JOIN LATERAL pg_partition_tree(root.oid) AS t
            JOIN pg_class pc ON pc.oid = t.relid JOIN pg_namespace pn ON pn.oid = pc.relnamespace
            LEFT JOIN pg_class parc ON parc.oid = t.parentrelid LEFT JOIN pg_namespace parn ON parn.oid = parc.relnamespace
            WHERE n.nspname = \(schema) AND root.relkind = 'p'
            ORDER BY root.relname, t.level, pn.nspname, pc.relname
            """, origin: "partitions of the tables of \(schema)")
        let keys = try await connection.query(
            """
            SELECT root.relname::text AS root,
                   coalesce(array_agg(DISTINCT a.attname::text) FILTER (WHERE a.attname IS NOT NULL), '{}') AS columns,
                   bool_or(k.attnum = 0) AS expression
            FROM pg_class root JOIN pg_namespace n ON n.oid = root.relnamespace
            CROSS JOIN LATERAL pg_partition_tree(root.oid) AS t
            JOIN pg_partitioned_table pt ON pt.partrelid = t.relid
            CROSS JOIN LATERAL unnest(pt.partattrs::int2[]) AS k(attnum)
            LEFT JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = k.attnum AND k.attnum > 0
            WHERE n.nspname = \(schema) AND root.relkind = 'p'
            GROUP BY root.relname
            """, origin: "partition keys of the tables of \(schema)")
        for row in keys {
            let root: String = try row.decode("root")
            guard result[root] != nil else { continue }
            result[root]?.partitioning = TableInfo.Partitioning(
                keyColumns: (try row.decode("columns", as: [String].self)).sorted(),
                hasExpressionKey: try row.decode("expression", as: Bool?.self) ?? false, partitions: [])
        }
        for row in rows {
            let root: String = try row.decode("root")
            let level: Int = try row.decode("level")
            guard level > 0, result[root]?.partitioning != nil else { continue }
            result[root]?.partitioning?.partitions.append(TableInfo.Partitioning.Partition(
                schema: try row.decode("schema"), name: try row.decode("name"),
                parentSchema: try row.decode("parent_schema"), parentName: try row.decode("parent_name"),
                partitioned: try row.decode("partitioned"), level: level))
        }
    }

    /// Table privileges as `GRANT` statements re-targeted at `target` (used to copy grants to version views).
    public static func grantStatements(
        schema: String, table: String, target: String, connection: PostgresConnection
    ) async throws -> [String] {
        let rows = try await connection.query(
            """
            SELECT CASE WHEN acl.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END AS grantee,
                   string_agg(DISTINCT acl.privilege_type, ', ') AS privileges
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN LATERAL aclexplode(c.relacl) AS acl
            LEFT JOIN pg_roles r ON r.oid = acl.grantee
            WHERE n.nspname = \(schema) AND c.relname = \(table) AND acl.grantee <> c.relowner
              AND acl.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER')
            GROUP BY 1
            """)
        return try rows.map { row in
            let grantee: String = try row.decode("grantee")
            let privileges: String = try row.decode("privileges")
            return "GRANT \(privileges) ON \(target) TO \(grantee)"
        }
    }

    /// Roles (other than the owner) with USAGE on `schema`, as `GRANT USAGE` statements for `target` schema.
    public static func schemaUsageGrants(schema: String, target: String, connection: PostgresConnection) async throws
        -> [String]
    {
        let rows = try await connection.query(
            """
            SELECT DISTINCT CASE WHEN acl.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END AS grantee
            FROM pg_namespace n CROSS JOIN LATERAL aclexplode(n.nspacl) AS acl
            LEFT JOIN pg_roles r ON r.oid = acl.grantee
            WHERE n.nspname = \(schema) AND acl.privilege_type = 'USAGE' AND acl.grantee <> n.nspowner
            """)
        return try rows.map { "GRANT USAGE ON SCHEMA \(PostgresIdentifier.quote(target)) TO \(try $0.decode("grantee", as: String.self))" }
    }
}

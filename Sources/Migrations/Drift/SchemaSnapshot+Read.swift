import Crypto
import Foundation
import PostgresClient

extension SchemaSnapshot {
    /// Reads `schema` from the catalogs.
    ///
    /// Runs in one read-only repeatable-read transaction (or inside the caller's transaction when one is open)
    /// with `search_path` set to `pg_catalog` only, so every name in the `pg_get_*` output is schema-qualified
    /// the same way whatever the session's own search path is. Needs no superuser: every catalog and function
    /// used is readable by any role.
    ///
    /// - Throws: ``DriftError`` when the schema does not exist; ``PostgresError`` on database errors.
    public static func read(schema: String, connection: PostgresConnection) async throws -> SchemaSnapshot {
        if await connection.inTransaction {
            let saved = try await connection.query("SELECT current_setting('search_path') AS p")[0].decode("p", as: String.self)
            try await connection.query("SELECT set_config('search_path', 'pg_catalog', true)")
            do {
                let snapshot = try await readCatalog(schema: schema, connection)
                try await connection.query("SELECT set_config('search_path', \(saved), true)")
                return snapshot
            } catch {
                _ = try? await connection.query("SELECT set_config('search_path', \(saved), true)")
                throw error
            }
        }
        return try await connection.transaction { tx in
            try await tx.unsafeExecuteRaw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY; SET LOCAL search_path = pg_catalog")
            return try await readCatalog(schema: schema, tx)
        }
    }

    /// `NOT EXISTS` clause excluding members of extensions (`classid` is the catalog of `objid`).
    private static func notExtensionMember(_ catalog: String, _ oid: String) -> String {
        "NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '\(catalog)'::regclass AND e.objid = \(oid) AND e.deptype = 'e')"
    }

    private static func optionalText(_ row: PostgresRow, _ column: String) throws -> String? {
        guard let value = try row.text(column), !value.isEmpty else { return nil }
        return value
    }

    private static func collapse(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
    }

    private static func readCatalog(schema: String, _ c: PostgresConnection) async throws -> SchemaSnapshot {
        let nspRows = try await c.query(
            """
            SELECT pg_get_userbyid(nspowner) AS owner, obj_description(oid, 'pg_namespace') AS comment
            FROM pg_namespace WHERE nspname = \(schema)
            """)
        guard let nsp = nspRows.first else {
            throw DriftError("schema \"\(schema)\" does not exist", hint: "check --schema / the `schema` setting")
        }
        let relationKinds = "('r','p','f','v','m','S')"

        // Privileges of relations, the schema and functions; owners' defaults made explicit so that the
        // first GRANT on an object does not look like a change to its owner's rights.
        func grants(_ rows: PostgresResult) throws -> [String: [Grant]] {
            var result: [String: [Grant]] = [:]
            for row in rows {
                result[try row.decode("object"), default: []].append(
                    Grant(grantee: try row.decode("grantee"), privilege: try row.decode("privilege"), grantable: try row.decode("grantable")))
            }
            return result.mapValues { $0.sorted() }
        }
        let grantee = "CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END"
        let schemaGrants = try grants(
            try await c.query(
                """
                SELECT '' AS object, \(unsafeRaw: grantee) AS grantee, a.privilege_type AS privilege, a.is_grantable AS grantable
                FROM pg_namespace n, LATERAL aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
                WHERE n.nspname = \(schema)
                """))[""] ?? []
        let relationGrants = try grants(
            try await c.query(
                """
                SELECT c.relname AS object, \(unsafeRaw: grantee) AS grantee, a.privilege_type AS privilege, a.is_grantable AS grantable
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
                     LATERAL aclexplode(coalesce(c.relacl, acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner))) a
                WHERE n.nspname = \(schema) AND c.relkind IN \(unsafeRaw: relationKinds)
                """))

        // Relations.
        let relations = try await c.query(
            """
            SELECT c.relname AS name, c.relkind::text AS kind, c.relpersistence::text AS persistence,
                   pg_get_userbyid(c.relowner) AS owner, obj_description(c.oid, 'pg_class') AS comment,
                   c.relrowsecurity AS rls, c.relforcerowsecurity AS force_rls,
                   coalesce(c.reloptions, '{}'::text[]) AS options,
                   CASE WHEN c.relkind IN ('v','m') THEN pg_get_viewdef(c.oid) END AS viewdef
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = \(schema) AND c.relkind IN ('r','p','f','v','m')
              AND \(unsafeRaw: notExtensionMember("pg_class", "c.oid"))
            """)
        var tables: [String: Table] = [:]
        var views: [String: View] = [:]
        for row in relations {
            let name: String = try row.decode("name")
            if isSlipwayArtefact(name) { continue }
            let kind: String = try row.decode("kind")
            let options = (try row.decode("options", as: [String].self)).sorted()
            let owner: String = try row.decode("owner")
            let comment = try optionalText(row, "comment")
            switch kind {
            case "v", "m":
                views[name] = View(
                    name: name, kind: kind == "m" ? "materialized view" : "view",
                    definition: collapse(try row.decode("viewdef", as: String?.self) ?? ""), owner: owner, comment: comment,
                    options: options, indexes: [], grants: relationGrants[name] ?? [])
            default:
                let persistence: String = try row.decode("persistence")
                tables[name] = Table(
                    name: name, kind: kind == "p" ? "partitioned table" : kind == "f" ? "foreign table" : "table",
                    persistence: persistence == "u" ? "unlogged" : persistence == "t" ? "temporary" : "permanent",
                    owner: owner, comment: comment, rowSecurity: try row.decode("rls"), forceRowSecurity: try row.decode("force_rls"),
                    options: options, columns: [], constraints: [], indexes: [], triggers: [], grants: relationGrants[name] ?? [])
            }
        }

        // Columns.
        let columns = try await c.query(
            """
            SELECT c.relname AS table_name, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
                   a.attnotnull AS not_null, pg_get_expr(ad.adbin, ad.adrelid) AS default_expr,
                   a.attidentity::text AS identity, a.attgenerated::text AS generated,
                   CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation
                        THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END AS collation,
                   col_description(c.oid, a.attnum) AS comment
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_type t ON t.oid = a.atttypid
            LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
            LEFT JOIN pg_collation co ON co.oid = a.attcollation
            LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
            WHERE n.nspname = \(schema) AND c.relkind IN ('r','p','f') AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY c.relname, a.attname
            """)
        for row in columns {
            let table: String = try row.decode("table_name")
            let name: String = try row.decode("name")
            guard tables[table] != nil, !isSlipwayArtefact(name) else { continue }
            let generated = try optionalText(row, "generated") != nil
            let expression = try optionalText(row, "default_expr")
            let identityCode = try optionalText(row, "identity")
            let identity: String? = identityCode == "a" ? "always" : identityCode == "d" ? "by default" : nil
            tables[table]?.columns.append(
                Column(
                    name: name, type: try row.decode("type"), notNull: try row.decode("not_null"),
                    defaultExpression: generated ? nil : expression, identity: identity,
                    generatedExpression: generated ? expression : nil, collation: try optionalText(row, "collation"),
                    comment: try optionalText(row, "comment")))
        }

        // Constraints (NOT NULL constraints of PostgreSQL 18 are reported as the column's `notNull`).
        let constraints = try await c.query(
            """
            SELECT c.relname AS table_name, con.conname AS name, con.contype::text AS type,
                   pg_get_constraintdef(con.oid) AS definition, con.convalidated AS validated,
                   con.condeferrable AS deferrable, con.condeferred AS deferred,
                   obj_description(con.oid, 'pg_constraint') AS comment
            FROM pg_constraint con
            JOIN pg_class c ON c.oid = con.conrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = \(schema) AND con.contype <> 'n'
            """)
        let constraintTypes = ["p": "primary key", "u": "unique", "f": "foreign key", "c": "check", "x": "exclusion", "t": "trigger"]
        for row in constraints {
            let table: String = try row.decode("table_name")
            let name: String = try row.decode("name")
            guard tables[table] != nil, !isSlipwayArtefact(name) else { continue }
            let type: String = try row.decode("type")
            tables[table]?.constraints.append(
                Constraint(
                    name: name, type: constraintTypes[type] ?? type, definition: try row.decode("definition"),
                    validated: try row.decode("validated"), deferrable: try row.decode("deferrable"),
                    initiallyDeferred: try row.decode("deferred"), comment: try optionalText(row, "comment")))
        }

        // Indexes.
        let indexes = try await c.query(
            """
            SELECT t.relname AS table_name, i.relname AS name, pg_get_indexdef(i.oid) AS definition,
                   x.indisvalid AS valid, x.indisprimary AS is_primary, x.indisunique AS is_unique,
                   con.conname AS constraint_name, obj_description(i.oid, 'pg_class') AS comment
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            LEFT JOIN pg_constraint con ON con.conindid = x.indexrelid AND con.conrelid = x.indrelid AND con.contype IN ('p','u','x')
            WHERE n.nspname = \(schema)
            """)
        for row in indexes {
            let table: String = try row.decode("table_name")
            let name: String = try row.decode("name")
            guard !isSlipwayArtefact(name) else { continue }
            let index = Index(
                name: name, definition: try row.decode("definition"), valid: try row.decode("valid"),
                primary: try row.decode("is_primary"), unique: try row.decode("is_unique"),
                constraint: try optionalText(row, "constraint_name"), comment: try optionalText(row, "comment"))
            if tables[table] != nil {
                tables[table]?.indexes.append(index)
            } else if views[table] != nil {
                views[table]?.indexes.append(index)
            }
        }

        // Triggers (internal ones — foreign keys' — are part of their constraint).
        let triggers = try await c.query(
            """
            SELECT c.relname AS table_name, tg.tgname AS name, pg_get_triggerdef(tg.oid) AS definition,
                   tg.tgenabled::text AS enabled, p.proname AS function_name
            FROM pg_trigger tg
            JOIN pg_class c ON c.oid = tg.tgrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_proc p ON p.oid = tg.tgfoid
            WHERE n.nspname = \(schema) AND NOT tg.tgisinternal
            """)
        for row in triggers {
            let table: String = try row.decode("table_name")
            let name: String = try row.decode("name")
            let function: String = try row.decode("function_name")
            guard tables[table] != nil, !isSlipwayArtefact(name), !isSlipwayArtefact(function) else { continue }
            tables[table]?.triggers.append(
                Trigger(name: name, definition: try row.decode("definition"), enabled: try row.decode("enabled")))
        }

        // Sequences, without identity sequences.
        let sequenceRows = try await c.query(
            """
            SELECT c.relname AS name, format_type(s.seqtypid, NULL) AS type, s.seqstart::text AS start,
                   s.seqincrement::text AS increment, s.seqmin::text AS min, s.seqmax::text AS max,
                   s.seqcache::text AS cache, s.seqcycle AS cycle, pg_get_userbyid(c.relowner) AS owner,
                   (SELECT t.relname || '.' || a.attname FROM pg_depend d
                      JOIN pg_class t ON t.oid = d.refobjid
                      JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass
                      AND d.deptype = 'a' LIMIT 1) AS owned_by
            FROM pg_sequence s
            JOIN pg_class c ON c.oid = s.seqrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = \(schema)
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'i')
              AND \(unsafeRaw: notExtensionMember("pg_class", "c.oid"))
            """)
        var sequences: [Sequence] = []
        for row in sequenceRows {
            let name: String = try row.decode("name")
            if isSlipwayArtefact(name) { continue }
            sequences.append(
                Sequence(
                    name: name, type: try row.decode("type"), start: try row.decode("start"), increment: try row.decode("increment"),
                    minValue: try row.decode("min"), maxValue: try row.decode("max"), cache: try row.decode("cache"),
                    cycle: try row.decode("cycle"), ownedBy: try optionalText(row, "owned_by"), owner: try row.decode("owner"),
                    grants: relationGrants[name] ?? []))
        }

        // Functions and procedures (aggregates and window functions have no pg_get_functiondef).
        let functionRows = try await c.query(
            """
            SELECT p.proname AS name, p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' AS signature,
                   p.prokind::text AS kind, pg_get_functiondef(p.oid) AS definition, pg_get_userbyid(p.proowner) AS owner,
                   coalesce((SELECT array_agg(\(unsafeRaw: grantee) || '|' || a.privilege_type || '|' || a.is_grantable::text)
                             FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a), '{}'::text[]) AS grants
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = \(schema) AND p.prokind IN ('f','p')
              AND \(unsafeRaw: notExtensionMember("pg_proc", "p.oid"))
            """)
        var functions: [Function] = []
        for row in functionRows {
            let name: String = try row.decode("name")
            if isSlipwayArtefact(name) { continue }
            let definition: String = try row.decode("definition")
            let encoded: [String] = try row.decode("grants")
            let functionGrants = encoded.compactMap { item -> Grant? in
                let parts = item.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 3 else { return nil }
                return Grant(grantee: parts[0], privilege: parts[1], grantable: parts[2] == "true")
            }
            let kind: String = try row.decode("kind")
            functions.append(
                Function(
                    signature: try row.decode("signature"), kind: kind == "p" ? "procedure" : "function",
                    definitionHash: SHA256.hash(data: Data(definition.utf8)).map { String(format: "%02x", $0) }.joined(),
                    owner: try row.decode("owner"), grants: functionGrants.sorted()))
        }

        let extensionRows = try await c.query(
            """
            SELECT e.extname AS name, e.extversion AS version
            FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE n.nspname = \(schema)
            """)
        let extensions = try extensionRows.map { Extension(name: try $0.decode("name"), version: try $0.decode("version")) }

        let sortedTables = tables.values.map { table -> Table in
            var table = table
            table.columns.sort { $0.name < $1.name }
            table.constraints.sort { $0.name < $1.name }
            table.indexes.sort { $0.name < $1.name }
            table.triggers.sort { $0.name < $1.name }
            return table
        }
        let sortedViews = views.values.map { view -> View in
            var view = view
            view.indexes.sort { $0.name < $1.name }
            return view
        }
        return SchemaSnapshot(
            schema: schema, owner: try nsp.decode("owner"), comment: try optionalText(nsp, "comment"), grants: schemaGrants,
            tables: sortedTables, views: sortedViews, sequences: sequences, functions: functions, extensions: extensions)
    }
}

import MigrationFormat
import PostgresClient

/// `alter_column` changes that old and new clients cannot share one physical column for: `type`, `unique`,
/// `check`, `references`, and `nullable: false` with `up`.
///
/// - start: a duplicate column `_slipway_new_<col>` of the new type (no default while it is added, so no
///   rewrite; the default is set right after for future inserts); the table's dual-write trigger fills it
///   with `up(old)` for old clients and fills the old column with `down(new)` for new clients; the backfill
///   computes `up` for existing rows; CHECK / FOREIGN KEY / NOT NULL (as a CHECK) are added `NOT VALID` once
///   the trigger exists and validated after the backfill; UNIQUE and every index that covers the old column
///   are built `CONCURRENTLY` under temporary names. The new version's view shows the duplicate under the
///   column's name, in the column's place; the old version keeps the original.
/// - complete, in the one short transaction that drops the trigger: the old column is dropped (with its
///   indexes and constraints), the duplicate renamed, the indexes and constraints renamed to their original
///   names (unique ones attached with `ADD CONSTRAINT … USING INDEX`), NOT NULL set from the validated check.
/// - rollback: the duplicate column, its constraints and indexes and the trigger are dropped.
///
/// A binary-compatible widening without `up`/`down` (`varchar(n)` → `varchar(m ≥ n)` or `text`, `numeric(p,s)`
/// → `numeric(p2 ≥ p,s)`) copies nothing: ``inPlaceTypeChangeSQL(schema:table:column:type:)``.
extension VersionPlanner {
    /// What an alter_column copy adds to the plan.
    struct AlterColumnCopy {
        var newPhysical: String
        var expand: [MigrationStep] = []
        var afterTriggers: [MigrationStep] = []
        var validations: [MigrationStep] = []
        var indexes: [MigrationStep] = []
        /// Run at complete in the transaction that drops the trigger and the old column, after them.
        var swap: [String] = []
        var added: ComputedColumn
        var dropped: ComputedColumn
        var warnings: [String] = []
    }

    /// Whether the alter_column needs a duplicate column (see the type's documentation).
    static func alterColumnNeedsCopy(_ op: AlterColumnOperation, current: TableInfo.ColumnInfo) -> Bool {
        if op.unique != nil || op.check != nil || op.references != nil { return true }
        if op.nullable == false && op.up != nil { return true }
        guard let type = op.type, !sameType(current.type, type) else { return false }
        return op.up != nil || op.down != nil || !isBinaryCompatibleWidening(from: current.type, to: type)
    }

    /// A type name in `format_type` spelling with its modifiers: `VARCHAR(20)` → (`character varying`, [20]).
    static func parseType(_ type: String) -> (base: String, modifiers: [Int]?)? {
        let text = type.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        var base = text
        var modifiers: [Int]?
        if let open = text.firstIndex(of: "("), text.hasSuffix(")") {
            base = String(text[..<open]).trimmingCharacters(in: .whitespaces)
            let inside = text[text.index(after: open)..<text.index(before: text.endIndex)]
            let numbers = inside.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !numbers.isEmpty, numbers.allSatisfy({ $0 != nil }) else { return nil }
            modifiers = numbers.compactMap { $0 }
        } else if text.contains("(") || text.contains("[") {
            return nil
        }
        let aliases = ["varchar": "character varying", "char varying": "character varying", "decimal": "numeric"]
        base = aliases[base] ?? base
        if base == "numeric", let values = modifiers, values.count == 1 { modifiers = [values[0], 0] }
        return (base, modifiers)
    }

    /// Whether `new` names the same type as the catalog's `current` spelling.
    static func sameType(_ current: String, _ new: String) -> Bool {
        guard let a = parseType(current), let b = parseType(new) else { return current.lowercased() == new.lowercased() }
        return a.base == b.base && a.modifiers == b.modifiers
    }

    /// A change PostgreSQL makes in the catalog only (no rewrite, no index rebuild): `varchar(n)` →
    /// `varchar(m ≥ n)`, `varchar`, `text`; `text` → `varchar`; `numeric(p,s)` → `numeric(p2 ≥ p,s)` or `numeric`.
    static func isBinaryCompatibleWidening(from current: String, to new: String) -> Bool {
        guard let old = parseType(current), let target = parseType(new) else { return false }
        switch (old.base, target.base) {
        case ("character varying", "character varying"):
            guard let length = old.modifiers?.first else { return target.modifiers == nil }
            guard let newLength = target.modifiers?.first else { return true }
            return newLength >= length
        case ("character varying", "text"):
            return true
        case ("text", "character varying"):
            return target.modifiers == nil
        case ("numeric", "numeric"):
            guard let precision = old.modifiers else { return target.modifiers == nil }
            guard let newPrecision = target.modifiers else { return true }
            return newPrecision[1] == precision[1] && newPrecision[0] >= precision[0]
        default:
            return false
        }
    }

    /// One `DO` block, run in a short transaction under `lock_timeout`: saves the views that read the column
    /// (definition, options, owner, comment, grants), drops them, changes the type in place, recreates them.
    /// PostgreSQL refuses a type change under a view, Slipway's own version views included.
    /// `rewrites`: a narrowing (rollback of a widening), which PostgreSQL does by checking or rewriting the table.
    static func inPlaceTypeChangeSQL(schema: String, table: String, column: String, type: String, rewrites: Bool = false) -> String {
        let qualified = PostgresIdentifier.qualified(schema, table)
        let alter = "ALTER TABLE \(qualified) ALTER COLUMN \(PostgresIdentifier.quote(column)) TYPE \(type)"
        return """
            DO $slipway$
            -- Slipway: \(alter.replacingOccurrences(of: "\n", with: " ")) \(rewrites ? "(rewrites the table)" : "(catalog-only)"), recreating the views that read the column
            DECLARE
              v_row record;
              g_row record;
              restore_sql text;
              restore text[] := '{}';
            BEGIN
              FOR v_row IN
                SELECT DISTINCT v.oid, vn.nspname, v.relname, rtrim(pg_get_viewdef(v.oid), '; ') AS definition,
                       array_to_string(v.reloptions, ', ') AS options, obj_description(v.oid, 'pg_class') AS comment,
                       v.relowner, pg_get_userbyid(v.relowner) AS owner, v.relacl
                FROM pg_depend d
                JOIN pg_rewrite r ON r.oid = d.objid
                JOIN pg_class v ON v.oid = r.ev_class JOIN pg_namespace vn ON vn.oid = v.relnamespace
                JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
                  AND d.refobjid = \(PostgresIdentifier.quoteLiteral(qualified))::regclass
                  AND a.attname = \(PostgresIdentifier.quoteLiteral(column)) AND v.relkind = 'v' AND v.oid <> d.refobjid
                ORDER BY vn.nspname, v.relname
              LOOP
                restore := restore || format('CREATE VIEW %I.%I%s AS %s', v_row.nspname, v_row.relname,
                  CASE WHEN v_row.options IS NULL THEN '' ELSE ' WITH (' || v_row.options || ')' END, v_row.definition);
                IF v_row.owner <> current_user THEN
                  restore := restore || format('ALTER VIEW %I.%I OWNER TO %I', v_row.nspname, v_row.relname, v_row.owner);
                END IF;
                IF v_row.comment IS NOT NULL THEN
                  restore := restore || format('COMMENT ON VIEW %I.%I IS %L', v_row.nspname, v_row.relname, v_row.comment);
                END IF;
                FOR g_row IN
                  SELECT CASE WHEN acl.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(acl.grantee)) END AS grantee,
                         string_agg(acl.privilege_type, ', ') AS privileges
                  FROM aclexplode(v_row.relacl) AS acl WHERE acl.grantee <> v_row.relowner GROUP BY 1
                LOOP
                  restore := restore || format('GRANT %s ON %I.%I TO %s', g_row.privileges, v_row.nspname, v_row.relname, g_row.grantee);
                END LOOP;
                EXECUTE format('DROP VIEW %I.%I', v_row.nspname, v_row.relname);
              END LOOP;
              EXECUTE \(PostgresIdentifier.quoteLiteral(alter));
              FOREACH restore_sql IN ARRAY restore LOOP
                EXECUTE restore_sql;
              END LOOP;
            END
            $slipway$
            """
    }

    /// Plans the copy of `physical` (see the type's documentation). Every refusal happens here, before any DDL.
    func planAlterColumnCopy(
        _ op: AlterColumnOperation, info: TableInfo, column: TableInfo.ColumnInfo, physical: String,
        referencedColumn: (String, String) -> String?, relations: inout Set<String>, addMarker: Bool, origin: String,
        fail: (String, String?) -> MigrationError
    ) throws -> AlterColumnCopy {
        let tableName = info.name
        let table = PostgresIdentifier.qualified(schema, tableName)
        let label = "\(tableName).\(op.column)"
        let what = [
            op.type != nil ? "type" : nil, op.unique != nil ? "unique" : nil, op.check != nil ? "check" : nil,
            op.references != nil ? "references" : nil, op.nullable == false ? "nullable: false with up" : nil,
        ].compactMap { $0 }.joined(separator: ", ")
        guard physical == op.column else {
            throw fail("column \"\(op.column)\" is renamed earlier in this version; alter_column \(what) needs its own version", nil)
        }
        if info.partitioning != nil {
            throw fail("alter_column \(what) on a partitioned table is not supported by this build", "change the column with plain DDL in a maintenance window, or per partition")
        }
        if info.primaryKey.contains(physical) {
            throw fail(
                "column \"\(op.column)\" is part of the primary key of \"\(tableName)\"; alter_column \(what) on a key column is not supported",
                "add a new column with add_column + `up`, move the key with create_constraint, then drop the old column")
        }
        if column.identity != nil || column.generated {
            throw fail("column \"\(op.column)\" is an identity or generated column; alter_column \(what) would copy it", nil)
        }
        for (other, otherInfo) in tables.sorted(by: { $0.key < $1.key }) {
            for constraint in otherInfo.constraints where constraint.type == "f" && constraint.referencedTable == tableName
                && constraint.referencedColumns.contains(physical)
            {
                throw fail(
                    "column \"\(op.column)\" is referenced by foreign key \"\(constraint.name)\" of table \"\(other)\"; alter_column \(what) would have to move it",
                    "drop that foreign key in an earlier version and recreate it afterwards")
            }
        }
        if let exclusion = info.constraints.first(where: { $0.type == "x" && $0.columns.contains(physical) }) {
            throw fail("column \"\(op.column)\" is part of exclusion constraint \"\(exclusion.name)\"; alter_column \(what) does not copy exclusion constraints", nil)
        }
        if let defaultValue = column.defaultExpression, defaultValue.contains("nextval("), op.default == nil {
            throw fail(
                "column \"\(op.column)\" takes its default from a sequence, which dropping the old column at complete could drop with it",
                "detach the sequence first (ALTER SEQUENCE … OWNED BY NONE in a raw `sql` migration) and give `default`")
        }
        if let replica = info.replicaIdentityIndex, info.indexes.first(where: { $0.name == replica })?.columns.contains(physical) == true {
            throw fail("column \"\(op.column)\" is part of the replica identity index \"\(replica)\"", "set the replica identity to another index first")
        }
        let newPhysical = Self.newColumnPrefix + op.column
        guard newPhysical.utf8.count <= 63 else {
            throw fail("column name \"\(op.column)\" is too long for a copy (max \(63 - Self.newColumnPrefix.utf8.count) bytes)", nil)
        }
        guard info.column(newPhysical) == nil else {
            throw fail("table \"\(tableName)\" already has a column \"\(newPhysical)\" (left by an earlier run?)", nil)
        }
        let quotedOld = PostgresIdentifier.quote(physical)
        let quotedNew = PostgresIdentifier.quote(newPhysical)
        let typeChanged = op.type.map { !Self.sameType(column.type, $0) } ?? false
        let newType = typeChanged ? op.type ?? column.type : column.type
        let up = op.up ?? (typeChanged ? "CAST(\(quotedOld) AS \(newType))" : quotedOld)
        let down = op.down ?? (typeChanged ? "CAST(\(quotedOld) AS \(column.type))" : quotedOld)
        let notNull = op.nullable.map { !$0 } ?? column.notNull
        let renameToNew = [physical: newPhysical]
        func temporaryName(_ name: String) throws -> String {
            let temporary = Self.shortName("_slipway_tmp_\(name)")
            guard !relations.contains(temporary), !info.constraints.contains(where: { $0.name == temporary }) else {
                throw fail("a relation or constraint named \"\(temporary)\" already exists (left by an earlier run?)", nil)
            }
            relations.insert(temporary)
            return temporary
        }
        func dropConstraint(_ name: String) -> MigrationStep {
            MigrationStep(
                "drop constraint \(name) on \(tableName)",
                .transaction(statements: ["ALTER TABLE \(table) DROP CONSTRAINT IF EXISTS \(PostgresIdentifier.quote(name))"], accessExclusive: true),
                origin: origin)
        }
        func validate(_ name: String) -> MigrationStep {
            MigrationStep(
                "validate constraint \(name) on \(tableName) (SHARE UPDATE EXCLUSIVE: reads and writes continue)",
                .transaction(statements: ["ALTER TABLE \(table) VALIDATE CONSTRAINT \(PostgresIdentifier.quote(name))"], accessExclusive: false),
                origin: origin)
        }

        var copy = AlterColumnCopy(
            newPhysical: newPhysical,
            added: ComputedColumn(physical: newPhysical, logical: op.column, expression: up, onlyWhenSourcesChange: true),
            dropped: ComputedColumn(physical: physical, logical: op.column, expression: down, onlyWhenSourcesChange: true))
        if op.nullable == true && column.notNull && op.down == nil {
            copy.warnings.append(
                "\(origin): \(label) stays NOT NULL for old clients until complete: a NULL written by a new client fails unless `down` maps it")
        }

        // The copy: no default while it is added (a volatile default would rewrite the table), then the
        // default for future inserts, and the comment.
        var statements = ["ALTER TABLE \(table) ADD COLUMN \(quotedNew) \(newType)"]
        if addMarker {
            statements[0] += ", ADD COLUMN IF NOT EXISTS \(PostgresIdentifier.quote(Self.needsBackfillColumn)) boolean NOT NULL DEFAULT true"
        }
        let defaultValue: String? = op.default.map { $0.value } ?? column.defaultExpression
        if let defaultValue {
            statements.append("ALTER TABLE \(table) ALTER COLUMN \(quotedNew) SET DEFAULT \(defaultValue)")
        }
        let comment: String? = op.comment.map { $0.value } ?? column.comment
        if let comment {
            statements.append("COMMENT ON COLUMN \(table).\(quotedNew) IS \(PostgresIdentifier.quoteLiteral(comment))")
        }
        copy.expand.append(MigrationStep(
            "add column \(newPhysical) to \(tableName) (a copy of \(op.column)\(typeChanged ? " as \(newType)" : ""), renamed at complete)",
            .transaction(statements: statements, accessExclusive: true), origin: origin,
            undo: [MigrationStep(
                "drop column \(newPhysical) from \(tableName)",
                .transaction(statements: ["ALTER TABLE \(table) DROP COLUMN IF EXISTS \(quotedNew)"], accessExclusive: true),
                origin: origin)]))

        // Checks: the new one, NOT NULL as a check, and copies of those on the old column. Added once the
        // trigger fills the copy for old clients' writes, validated after the backfill.
        var checks: [(name: String, clause: String, validate: Bool)] = []
        if let check = op.check {
            guard !info.constraints.contains(where: { $0.name == check.name }) else {
                throw fail("a constraint named \"\(check.name)\" already exists on table \"\(tableName)\"", nil)
            }
            checks.append((
                check.name,
                "CHECK (\(ColumnRenamer.rewrite(check.constraint, renames: renameToNew)))\(check.noInherit ? " NO INHERIT" : "") NOT VALID", true))
        }
        let notNullName = Self.shortName("_slipway_nn_\(tableName)_\(op.column)")
        if notNull {
            checks.append((notNullName, "CHECK (\(quotedNew) IS NOT NULL) NOT VALID", true))
            copy.swap += [
                "ALTER TABLE \(table) ALTER COLUMN \(PostgresIdentifier.quote(op.column)) SET NOT NULL",
                "ALTER TABLE \(table) DROP CONSTRAINT IF EXISTS \(PostgresIdentifier.quote(notNullName))",
            ]
        }
        var renames: [String] = []
        var foreignKeys: [(name: String, sql: String, referenced: String, validate: Bool)] = []
        for constraint in info.constraints where constraint.columns.contains(physical) {
            guard let definition = constraint.definition else {
                throw fail("the definition of constraint \"\(constraint.name)\" is unknown (offline catalog); plan against the database", nil)
            }
            let validated = !definition.uppercased().hasSuffix(" NOT VALID")
            switch constraint.type {
            case "c":
                let temporary = try temporaryName(constraint.name)
                let body = validated ? definition + " NOT VALID" : definition
                checks.append((temporary, ColumnRenamer.rewrite(body, renames: renameToNew), validated))
                renames.append("ALTER TABLE \(table) RENAME CONSTRAINT \(PostgresIdentifier.quote(temporary)) TO \(PostgresIdentifier.quote(constraint.name))")
            case "f":
                guard let split = definition.range(of: " REFERENCES ") else { continue }
                let temporary = try temporaryName(constraint.name)
                let columns = ColumnRenamer.rewrite(String(definition[..<split.lowerBound]), renames: renameToNew)
                var rest = String(definition[split.lowerBound...])
                // `REFERENCES customers(id)`: qualified, so the plan names the table it locks.
                if let referenced = constraint.referencedTable, let open = rest.firstIndex(of: "(") {
                    rest = " REFERENCES \(PostgresIdentifier.qualified(schema, referenced))" + rest[open...]
                }
                foreignKeys.append((temporary, columns + rest + (validated ? " NOT VALID" : ""), constraint.referencedTable ?? "?", validated))
                renames.append("ALTER TABLE \(table) RENAME CONSTRAINT \(PostgresIdentifier.quote(temporary)) TO \(PostgresIdentifier.quote(constraint.name))")
            default:
                continue
            }
        }
        for check in checks {
            copy.afterTriggers.append(MigrationStep(
                "add check \(check.name) on \(tableName).\(newPhysical) (NOT VALID)",
                .transaction(statements: ["ALTER TABLE \(table) ADD CONSTRAINT \(PostgresIdentifier.quote(check.name)) \(check.clause)"], accessExclusive: true),
                origin: origin, undo: [dropConstraint(check.name)]))
            if check.validate { copy.validations.append(validate(check.name)) }
        }
        if let references = op.references {
            guard let target = referencedColumn(references.table, references.column) else {
                throw fail(
                    "foreign key \"\(references.name)\" references \"\(references.table)\".\"\(references.column)\", which does not exist in schema \"\(schema)\"", nil)
            }
            guard !info.constraints.contains(where: { $0.name == references.name }) else {
                throw fail("a constraint named \"\(references.name)\" already exists on table \"\(tableName)\"", nil)
            }
            if references.matchType == .partial { throw fail("MATCH PARTIAL is not implemented by PostgreSQL", nil) }
            var sql = "FOREIGN KEY (\(quotedNew)) REFERENCES \(PostgresIdentifier.qualified(schema, references.table)) (\(PostgresIdentifier.quote(target)))"
            if let match = references.matchType { sql += " MATCH \(match.rawValue)" }
            if let onDelete = references.onDelete { sql += " ON DELETE \(onDelete.rawValue)" }
            if let onUpdate = references.onUpdate { sql += " ON UPDATE \(onUpdate.rawValue)" }
            if references.deferrable == true { sql += " DEFERRABLE" }
            if references.initiallyDeferred == true { sql += " INITIALLY DEFERRED" }
            foreignKeys.append((references.name, sql + " NOT VALID", references.table, true))
        }
        for key in foreignKeys {
            copy.afterTriggers.append(MigrationStep(
                "add foreign key \(key.name) on \(tableName).\(newPhysical) (NOT VALID; locks \(tableName) and \(key.referenced) in SHARE ROW EXCLUSIVE)",
                .transaction(statements: ["ALTER TABLE \(table) ADD CONSTRAINT \(PostgresIdentifier.quote(key.name)) \(key.sql)"], accessExclusive: false),
                // No undo of its own: rollback drops the copy, and the key with it.
                origin: origin))
            if key.validate { copy.validations.append(validate(key.name)) }
        }

        // Indexes: copies of those that read the old column (unique constraints' included), then the new
        // unique constraint's, all built concurrently after the backfill.
        var attach: [String] = []
        func buildIndex(_ name: String, _ statement: String, for original: String) {
            copy.indexes.append(MigrationStep(
                "build index \(name) on \(tableName) concurrently (the copy of \(original) on \(newPhysical))",
                .concurrent(statement: statement, index: QualifiedName(schema, name)), origin: origin,
                undo: [Self.dropIndexStep(schema: schema, name: name, origin: origin)]))
        }
        for index in info.indexes where index.columns.contains(physical) {
            guard let definition = index.definition, let on = definition.range(of: " ON "),
                let using = definition.range(of: " USING ", range: on.upperBound..<definition.endIndex)
            else {
                throw fail("the definition of index \"\(index.name)\" is unknown (offline catalog); plan against the database", nil)
            }
            let temporary = try temporaryName(index.name)
            let statement = "CREATE \(index.unique ? "UNIQUE " : "")INDEX CONCURRENTLY \(PostgresIdentifier.quote(temporary)) ON \(table)"
                + ColumnRenamer.rewrite(String(definition[using.lowerBound...]), renames: renameToNew)
            buildIndex(temporary, statement, for: index.name)
            if index.backsConstraint {
                guard let constraint = info.constraints.first(where: { $0.name == index.name && $0.type == "u" }), let text = constraint.definition else {
                    throw fail("index \"\(index.name)\" backs a constraint alter_column cannot copy", nil)
                }
                var clause = "ALTER TABLE \(table) ADD CONSTRAINT \(PostgresIdentifier.quote(index.name)) UNIQUE USING INDEX \(PostgresIdentifier.quote(temporary))"
                if text.contains(" DEFERRABLE") && !text.contains("NOT DEFERRABLE") { clause += " DEFERRABLE" }
                if text.contains("INITIALLY DEFERRED") { clause += " INITIALLY DEFERRED" }
                attach.append(clause)
            } else {
                renames.append("ALTER INDEX \(PostgresIdentifier.qualified(schema, temporary)) RENAME TO \(PostgresIdentifier.quote(index.name))")
            }
        }
        if let unique = op.unique {
            guard !relations.contains(unique.name), !info.constraints.contains(where: { $0.name == unique.name }) else {
                throw fail("a relation or constraint named \"\(unique.name)\" already exists (the unique constraint's index takes its name)", nil)
            }
            relations.insert(unique.name)
            buildIndex(unique.name, "CREATE UNIQUE INDEX CONCURRENTLY \(PostgresIdentifier.quote(unique.name)) ON \(table) (\(quotedNew))", for: "unique \(op.column)")
            attach.append("ALTER TABLE \(table) ADD CONSTRAINT \(PostgresIdentifier.quote(unique.name)) UNIQUE USING INDEX \(PostgresIdentifier.quote(unique.name))")
        }
        // Complete (after the trigger and the old column are dropped, in the same transaction).
        // Index columns keep the name they were built with: rename them with the column, so no index says
        // `_slipway_new_…` (pg_dump would not show it, \d and the catalog do).
        let indexColumns = copy.indexes.isEmpty
            ? [] : [Self.renameIndexColumnsSQL(schema: schema, table: info.name, from: newPhysical, to: op.column)]
        copy.swap = ["ALTER TABLE \(table) RENAME COLUMN \(quotedNew) TO \(PostgresIdentifier.quote(op.column))"] + renames + attach
            + indexColumns + copy.swap
        return copy
    }
}

import Foundation

/// One difference between a recorded snapshot and the live schema, as a DDL-like line.
public struct DriftItem: Sendable, Codable, Hashable {
    /// Whether the object appeared, disappeared or changed since the snapshot.
    public enum Kind: String, Sendable, Codable, Hashable {
        case added, removed, changed

        /// `+`, `-` or `~`.
        public var symbol: String {
            switch self {
            case .added: "+"
            case .removed: "-"
            case .changed: "~"
            }
        }
    }

    public var kind: Kind
    /// `schema`, `table`, `column`, `constraint`, `index`, `trigger`, `view`, `sequence`, `function`,
    /// `extension`, `grant`, `comment`, `owner`.
    public var objectType: String
    /// The qualified name of the object, e.g. `public.orders.status`.
    public var name: String
    /// A DDL-like statement that would turn the recorded schema into the live one, optionally followed by a
    /// `-- was …` note (e.g. `ALTER TABLE public.orders ALTER COLUMN status TYPE varchar(20) -- was text`).
    public var ddl: String

    public init(kind: Kind, objectType: String, name: String, ddl: String) {
        self.kind = kind
        self.objectType = objectType
        self.name = name
        self.ddl = ddl
    }

    /// The rendered line: symbol and DDL, e.g. `+ ALTER TABLE public.orders ADD COLUMN note text`.
    public var line: String { "\(kind.symbol) \(ddl)" }
}

/// Compares two snapshots of the same schema.
public enum SchemaDiff {
    /// Every difference from `recorded` to `live`, in a stable order (schema, tables in name order with their
    /// parts, views, sequences, functions, extensions). Indexes that implement a constraint are reported
    /// through the constraint; the parts of a table that was added or dropped are not listed separately
    /// (except its constraints, indexes, triggers and non-owner grants when added).
    public static func compare(recorded: SchemaSnapshot, live: SchemaSnapshot) -> [DriftItem] {
        var items: [DriftItem] = []
        let schema = live.schema
        let s = ident(schema)
        func add(_ kind: DriftItem.Kind, _ type: String, _ name: String, _ ddl: String) {
            items.append(DriftItem(kind: kind, objectType: type, name: name, ddl: ddl))
        }

        // Schema.
        if recorded.owner != live.owner {
            add(.changed, "owner", schema, "ALTER SCHEMA \(s) OWNER TO \(ident(live.owner)) -- was \(ident(recorded.owner))")
        }
        if recorded.comment != live.comment {
            add(.changed, "comment", schema, "COMMENT ON SCHEMA \(s) IS \(literal(live.comment))\(wasComment(recorded.comment))")
        }
        items += grantChanges(recorded.grants, live.grants, on: "SCHEMA \(s)", name: schema)

        // Tables.
        let oldTables = Dictionary(recorded.tables.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let newTables = Dictionary(live.tables.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for name in Set(oldTables.keys).union(newTables.keys).sorted() {
            let q = "\(s).\(ident(name))"
            switch (oldTables[name], newTables[name]) {
            case (nil, let table?):
                let columns = table.columns.map(columnDefinition).joined(separator: ", ")
                let kind = table.kind == "foreign table" ? "FOREIGN TABLE" : table.persistence == "unlogged" ? "UNLOGGED TABLE" : "TABLE"
                let partition = table.kind == "partitioned table" ? " PARTITION BY …" : ""
                add(.added, "table", "\(schema).\(name)", "CREATE \(kind) \(q) (\(columns))\(partition)")
                var empty = table
                empty.columns = table.columns
                empty.constraints = []
                empty.indexes = []
                empty.triggers = []
                empty.grants = table.grants.filter { $0.grantee == table.owner }
                empty.comment = nil
                empty.rowSecurity = false
                empty.forceRowSecurity = false
                empty.options = []
                items += tableChanges(empty, table, schema: schema, columnsToo: false)
            case (_?, nil):
                add(.removed, "table", "\(schema).\(name)", "DROP TABLE \(q)")
            case (let old?, let new?):
                items += tableChanges(old, new, schema: schema, columnsToo: true)
            case (nil, nil):
                break
            }
        }

        // Views.
        let oldViews = Dictionary(recorded.views.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let newViews = Dictionary(live.views.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for name in Set(oldViews.keys).union(newViews.keys).sorted() {
            let q = "\(s).\(ident(name))"
            let full = "\(schema).\(name)"
            switch (oldViews[name], newViews[name]) {
            case (nil, let view?):
                add(.added, "view", full, "CREATE \(view.kind.uppercased()) \(q) AS \(view.definition)")
            case (let view?, nil):
                add(.removed, "view", full, "DROP \(view.kind.uppercased()) \(q)")
            case (let old?, let new?):
                if old.kind != new.kind || old.definition != new.definition {
                    let verb = new.kind == "view" && old.kind == "view" ? "CREATE OR REPLACE VIEW" : "CREATE \(new.kind.uppercased())"
                    add(.changed, "view", full, "\(verb) \(q) AS \(new.definition) -- was: \(old.definition)")
                }
                if old.options != new.options {
                    add(.changed, "view", full, "ALTER VIEW \(q) SET (\(new.options.joined(separator: ", "))) -- was (\(old.options.joined(separator: ", ")))")
                }
                if old.owner != new.owner {
                    add(.changed, "owner", full, "ALTER \(new.kind.uppercased()) \(q) OWNER TO \(ident(new.owner)) -- was \(ident(old.owner))")
                }
                if old.comment != new.comment {
                    add(.changed, "comment", full, "COMMENT ON \(new.kind.uppercased()) \(q) IS \(literal(new.comment))\(wasComment(old.comment))")
                }
                items += indexChanges(old.indexes, new.indexes, schema: schema)
                items += grantChanges(old.grants, new.grants, on: q, name: full)
            case (nil, nil):
                break
            }
        }

        // Sequences.
        let oldSequences = Dictionary(recorded.sequences.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let newSequences = Dictionary(live.sequences.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for name in Set(oldSequences.keys).union(newSequences.keys).sorted() {
            let q = "\(s).\(ident(name))"
            let full = "\(schema).\(name)"
            switch (oldSequences[name], newSequences[name]) {
            case (nil, let seq?):
                add(.added, "sequence", full, "CREATE SEQUENCE \(q) \(sequenceOptions(seq))")
            case (_?, nil):
                add(.removed, "sequence", full, "DROP SEQUENCE \(q)")
            case (let old?, let new?):
                var changes: [String] = []
                var before: [String] = []
                func compare(_ a: String, _ b: String, _ clause: String) {
                    if a != b {
                        changes.append("\(clause) \(b)")
                        before.append("\(clause) \(a)")
                    }
                }
                compare(old.type, new.type, "AS")
                compare(old.increment, new.increment, "INCREMENT BY")
                compare(old.minValue, new.minValue, "MINVALUE")
                compare(old.maxValue, new.maxValue, "MAXVALUE")
                compare(old.start, new.start, "START WITH")
                compare(old.cache, new.cache, "CACHE")
                if old.cycle != new.cycle {
                    changes.append(new.cycle ? "CYCLE" : "NO CYCLE")
                    before.append(old.cycle ? "CYCLE" : "NO CYCLE")
                }
                if old.ownedBy != new.ownedBy {
                    changes.append("OWNED BY \(new.ownedBy.map { "\(s).\($0)" } ?? "NONE")")
                    before.append("OWNED BY \(old.ownedBy.map { "\(s).\($0)" } ?? "NONE")")
                }
                if !changes.isEmpty {
                    add(.changed, "sequence", full, "ALTER SEQUENCE \(q) \(changes.joined(separator: " ")) -- was \(before.joined(separator: " "))")
                }
                if old.owner != new.owner {
                    add(.changed, "owner", full, "ALTER SEQUENCE \(q) OWNER TO \(ident(new.owner)) -- was \(ident(old.owner))")
                }
                items += grantChanges(old.grants, new.grants, on: "SEQUENCE \(q)", name: full)
            case (nil, nil):
                break
            }
        }

        // Functions.
        let oldFunctions = Dictionary(recorded.functions.map { ($0.signature, $0) }, uniquingKeysWith: { a, _ in a })
        let newFunctions = Dictionary(live.functions.map { ($0.signature, $0) }, uniquingKeysWith: { a, _ in a })
        for signature in Set(oldFunctions.keys).union(newFunctions.keys).sorted() {
            let q = "\(s).\(signature)"
            let full = "\(schema).\(signature)"
            switch (oldFunctions[signature], newFunctions[signature]) {
            case (nil, let function?):
                add(.added, "function", full, "CREATE \(function.kind.uppercased()) \(q) -- definition sha256 \(function.definitionHash.prefix(12))")
            case (let function?, nil):
                add(.removed, "function", full, "DROP \(function.kind.uppercased()) \(q)")
            case (let old?, let new?):
                if old.definitionHash != new.definitionHash || old.kind != new.kind {
                    add(.changed, "function", full,
                        "CREATE OR REPLACE \(new.kind.uppercased()) \(q) -- definition changed (sha256 \(new.definitionHash.prefix(12)), was \(old.definitionHash.prefix(12)))")
                }
                if old.owner != new.owner {
                    add(.changed, "owner", full, "ALTER \(new.kind.uppercased()) \(q) OWNER TO \(ident(new.owner)) -- was \(ident(old.owner))")
                }
                items += grantChanges(old.grants, new.grants, on: "\(new.kind.uppercased()) \(q)", name: full)
            case (nil, nil):
                break
            }
        }

        // Extensions.
        let oldExtensions = Dictionary(recorded.extensions.map { ($0.name, $0.version) }, uniquingKeysWith: { a, _ in a })
        let newExtensions = Dictionary(live.extensions.map { ($0.name, $0.version) }, uniquingKeysWith: { a, _ in a })
        for name in Set(oldExtensions.keys).union(newExtensions.keys).sorted() {
            switch (oldExtensions[name], newExtensions[name]) {
            case (nil, let version?):
                add(.added, "extension", name, "CREATE EXTENSION \(ident(name)) WITH SCHEMA \(s) VERSION \(literal(version))")
            case (_?, nil):
                add(.removed, "extension", name, "DROP EXTENSION \(ident(name))")
            case (let old?, let new?) where old != new:
                add(.changed, "extension", name, "ALTER EXTENSION \(ident(name)) UPDATE TO \(literal(new)) -- was \(literal(old))")
            default:
                break
            }
        }
        return items
    }

    // MARK: - Tables

    private static func tableChanges(
        _ old: SchemaSnapshot.Table, _ new: SchemaSnapshot.Table, schema: String, columnsToo: Bool
    ) -> [DriftItem] {
        var items: [DriftItem] = []
        let q = "\(ident(schema)).\(ident(new.name))"
        let full = "\(schema).\(new.name)"
        func add(_ kind: DriftItem.Kind, _ type: String, _ name: String, _ ddl: String) {
            items.append(DriftItem(kind: kind, objectType: type, name: name, ddl: ddl))
        }
        if columnsToo {
            if old.kind != new.kind {
                add(.changed, "table", full, "-- \(q) is now a \(new.kind), was a \(old.kind)")
            }
            if old.persistence != new.persistence {
                add(.changed, "table", full, "ALTER TABLE \(q) SET \(new.persistence == "unlogged" ? "UNLOGGED" : "LOGGED") -- was \(old.persistence)")
            }
            if old.owner != new.owner {
                add(.changed, "owner", full, "ALTER TABLE \(q) OWNER TO \(ident(new.owner)) -- was \(ident(old.owner))")
            }
        }
        if old.rowSecurity != new.rowSecurity {
            add(.changed, "table", full, "ALTER TABLE \(q) \(new.rowSecurity ? "ENABLE" : "DISABLE") ROW LEVEL SECURITY")
        }
        if old.forceRowSecurity != new.forceRowSecurity {
            add(.changed, "table", full, "ALTER TABLE \(q) \(new.forceRowSecurity ? "FORCE" : "NO FORCE") ROW LEVEL SECURITY")
        }
        if old.options != new.options {
            add(.changed, "table", full, "ALTER TABLE \(q) SET (\(new.options.joined(separator: ", "))) -- was (\(old.options.joined(separator: ", ")))")
        }
        if old.comment != new.comment {
            add(.changed, "comment", full, "COMMENT ON TABLE \(q) IS \(literal(new.comment))\(wasComment(old.comment))")
        }

        // Columns.
        if columnsToo {
            let oldColumns = Dictionary(old.columns.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            let newColumns = Dictionary(new.columns.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            for name in Set(oldColumns.keys).union(newColumns.keys).sorted() {
                let c = ident(name)
                let columnName = "\(full).\(name)"
                switch (oldColumns[name], newColumns[name]) {
                case (nil, let column?):
                    add(.added, "column", columnName, "ALTER TABLE \(q) ADD COLUMN \(columnDefinition(column))")
                    if let comment = column.comment {
                        add(.changed, "comment", columnName, "COMMENT ON COLUMN \(q).\(c) IS \(literal(comment))")
                    }
                case (_?, nil):
                    add(.removed, "column", columnName, "ALTER TABLE \(q) DROP COLUMN \(c)")
                case (let o?, let n?):
                    let alter = "ALTER TABLE \(q) ALTER COLUMN \(c)"
                    if o.type != n.type || o.collation != n.collation {
                        let collate = n.collation.map { " COLLATE \($0)" } ?? ""
                        let oldCollate = o.collation.map { " COLLATE \($0)" } ?? ""
                        add(.changed, "column", columnName, "\(alter) TYPE \(n.type)\(collate) -- was \(o.type)\(oldCollate)")
                    }
                    if o.notNull != n.notNull {
                        add(.changed, "column", columnName, "\(alter) \(n.notNull ? "SET" : "DROP") NOT NULL")
                    }
                    if o.defaultExpression != n.defaultExpression {
                        if let value = n.defaultExpression {
                            add(.changed, "column", columnName, "\(alter) SET DEFAULT \(value)\(was(o.defaultExpression ?? "no default"))")
                        } else {
                            add(.changed, "column", columnName, "\(alter) DROP DEFAULT\(was(o.defaultExpression ?? ""))")
                        }
                    }
                    if o.identity != n.identity {
                        if let identity = n.identity {
                            let verb = o.identity == nil ? "ADD GENERATED \(identity.uppercased()) AS IDENTITY" : "SET GENERATED \(identity.uppercased())"
                            add(.changed, "column", columnName, "\(alter) \(verb)")
                        } else {
                            add(.changed, "column", columnName, "\(alter) DROP IDENTITY -- was GENERATED \(o.identity?.uppercased() ?? "")")
                        }
                    }
                    if o.generatedExpression != n.generatedExpression {
                        if let expression = n.generatedExpression {
                            add(.changed, "column", columnName, "\(alter) SET EXPRESSION AS (\(expression))\(was(o.generatedExpression ?? "not generated"))")
                        } else {
                            add(.changed, "column", columnName, "\(alter) DROP EXPRESSION\(was(o.generatedExpression ?? ""))")
                        }
                    }
                    if o.comment != n.comment {
                        add(.changed, "comment", columnName, "COMMENT ON COLUMN \(q).\(c) IS \(literal(n.comment))\(wasComment(o.comment))")
                    }
                case (nil, nil):
                    break
                }
            }
        }

        // Constraints.
        let oldConstraints = Dictionary(old.constraints.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let newConstraints = Dictionary(new.constraints.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for name in Set(oldConstraints.keys).union(newConstraints.keys).sorted() {
            let c = ident(name)
            let constraintName = "\(full).\(name)"
            switch (oldConstraints[name], newConstraints[name]) {
            case (nil, let con?):
                add(.added, "constraint", constraintName, "ALTER TABLE \(q) ADD CONSTRAINT \(c) \(con.definition)")
            case (_?, nil):
                add(.removed, "constraint", constraintName, "ALTER TABLE \(q) DROP CONSTRAINT \(c)")
            case (let o?, let n?):
                let defWithoutValid = { (d: String) in d.hasSuffix(" NOT VALID") ? String(d.dropLast(" NOT VALID".count)) : d }
                if defWithoutValid(o.definition) != defWithoutValid(n.definition) {
                    add(.changed, "constraint", constraintName,
                        "ALTER TABLE \(q) DROP CONSTRAINT \(c), ADD CONSTRAINT \(c) \(n.definition) -- was \(o.definition)")
                } else if o.validated != n.validated {
                    add(.changed, "constraint", constraintName,
                        n.validated ? "ALTER TABLE \(q) VALIDATE CONSTRAINT \(c)" : "-- constraint \(c) on \(q) is NOT VALID again")
                } else if o.deferrable != n.deferrable || o.initiallyDeferred != n.initiallyDeferred {
                    let mode = n.deferrable ? "DEFERRABLE INITIALLY \(n.initiallyDeferred ? "DEFERRED" : "IMMEDIATE")" : "NOT DEFERRABLE"
                    add(.changed, "constraint", constraintName, "ALTER TABLE \(q) ALTER CONSTRAINT \(c) \(mode)")
                }
                if o.comment != n.comment {
                    add(.changed, "comment", constraintName, "COMMENT ON CONSTRAINT \(c) ON \(q) IS \(literal(n.comment))\(wasComment(o.comment))")
                }
            case (nil, nil):
                break
            }
        }

        items += indexChanges(old.indexes, new.indexes, schema: schema)

        // Triggers.
        let oldTriggers = Dictionary(old.triggers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let newTriggers = Dictionary(new.triggers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for name in Set(oldTriggers.keys).union(newTriggers.keys).sorted() {
            let triggerName = "\(full).\(name)"
            switch (oldTriggers[name], newTriggers[name]) {
            case (nil, let trigger?):
                add(.added, "trigger", triggerName, trigger.definition)
                if trigger.enabled != "O" {
                    add(.changed, "trigger", triggerName, "ALTER TABLE \(q) \(enableClause(trigger.enabled)) TRIGGER \(ident(name))")
                }
            case (_?, nil):
                add(.removed, "trigger", triggerName, "DROP TRIGGER \(ident(name)) ON \(q)")
            case (let o?, let n?):
                if o.definition != n.definition {
                    add(.changed, "trigger", triggerName, "CREATE OR REPLACE \(n.definition.dropFirst("CREATE ".count)) -- was: \(o.definition)")
                }
                if o.enabled != n.enabled {
                    add(.changed, "trigger", triggerName, "ALTER TABLE \(q) \(enableClause(n.enabled)) TRIGGER \(ident(name))")
                }
            case (nil, nil):
                break
            }
        }

        items += grantChanges(old.grants, new.grants, on: q, name: full)
        return items
    }

    private static func enableClause(_ code: String) -> String {
        switch code {
        case "D": "DISABLE"
        case "R": "ENABLE REPLICA"
        case "A": "ENABLE ALWAYS"
        default: "ENABLE"
        }
    }

    private static func indexChanges(_ old: [SchemaSnapshot.Index], _ new: [SchemaSnapshot.Index], schema: String) -> [DriftItem] {
        var items: [DriftItem] = []
        let oldIndexes = Dictionary(old.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let newIndexes = Dictionary(new.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for name in Set(oldIndexes.keys).union(newIndexes.keys).sorted() {
            let q = "\(ident(schema)).\(ident(name))"
            let full = "\(schema).\(name)"
            switch (oldIndexes[name], newIndexes[name]) {
            case (nil, let index?):
                // An index that implements a constraint is reported as the constraint.
                if index.constraint == nil {
                    items.append(DriftItem(kind: .added, objectType: "index", name: full, ddl: index.definition + (index.valid ? "" : " -- INVALID")))
                }
            case (let index?, nil):
                if index.constraint == nil {
                    items.append(DriftItem(kind: .removed, objectType: "index", name: full, ddl: "DROP INDEX \(q)"))
                }
            case (let o?, let n?):
                if o.definition != n.definition {
                    items.append(
                        DriftItem(kind: .changed, objectType: "index", name: full, ddl: "DROP INDEX \(q); \(n.definition) -- was: \(o.definition)"))
                } else if o.valid != n.valid {
                    items.append(
                        DriftItem(kind: .changed, objectType: "index", name: full,
                                  ddl: n.valid ? "REINDEX INDEX \(q) -- was INVALID" : "-- index \(q) is INVALID (a failed concurrent build): REINDEX or drop it"))
                }
                if o.comment != n.comment {
                    items.append(
                        DriftItem(kind: .changed, objectType: "comment", name: full,
                                  ddl: "COMMENT ON INDEX \(q) IS \(literal(n.comment))\(wasComment(o.comment))"))
                }
            case (nil, nil):
                break
            }
        }
        return items
    }

    private static func grantChanges(_ old: [SchemaSnapshot.Grant], _ new: [SchemaSnapshot.Grant], on object: String, name: String) -> [DriftItem] {
        struct Key: Hashable, Comparable {
            var grantee: String
            var privilege: String
            static func < (a: Key, b: Key) -> Bool { (a.grantee, a.privilege) < (b.grantee, b.privilege) }
        }
        let oldGrants = Dictionary(old.map { (Key(grantee: $0.grantee, privilege: $0.privilege), $0.grantable) }, uniquingKeysWith: { a, b in a || b })
        let newGrants = Dictionary(new.map { (Key(grantee: $0.grantee, privilege: $0.privilege), $0.grantable) }, uniquingKeysWith: { a, b in a || b })
        var items: [DriftItem] = []
        for key in Set(oldGrants.keys).union(newGrants.keys).sorted() {
            let role = key.grantee == "PUBLIC" ? "PUBLIC" : ident(key.grantee)
            let grantName = "\(name):\(key.privilege):\(key.grantee)"
            switch (oldGrants[key], newGrants[key]) {
            case (nil, let grantable?):
                items.append(
                    DriftItem(kind: .added, objectType: "grant", name: grantName,
                              ddl: "GRANT \(key.privilege) ON \(object) TO \(role)\(grantable ? " WITH GRANT OPTION" : "")"))
            case (_?, nil):
                items.append(DriftItem(kind: .removed, objectType: "grant", name: grantName, ddl: "REVOKE \(key.privilege) ON \(object) FROM \(role)"))
            case (let o?, let n?) where o != n:
                items.append(
                    DriftItem(kind: .changed, objectType: "grant", name: grantName,
                              ddl: n ? "GRANT \(key.privilege) ON \(object) TO \(role) WITH GRANT OPTION"
                                  : "REVOKE GRANT OPTION FOR \(key.privilege) ON \(object) FROM \(role)"))
            default:
                break
            }
        }
        return items
    }

    private static func columnDefinition(_ column: SchemaSnapshot.Column) -> String {
        var parts = [ident(column.name), column.type]
        if let collation = column.collation { parts.append("COLLATE \(collation)") }
        if let generated = column.generatedExpression { parts.append("GENERATED ALWAYS AS (\(generated)) STORED") }
        if let identity = column.identity { parts.append("GENERATED \(identity.uppercased()) AS IDENTITY") }
        if column.notNull { parts.append("NOT NULL") }
        if let value = column.defaultExpression { parts.append("DEFAULT \(value)") }
        return parts.joined(separator: " ")
    }

    private static func sequenceOptions(_ seq: SchemaSnapshot.Sequence) -> String {
        var parts = [
            "AS \(seq.type)", "INCREMENT BY \(seq.increment)", "MINVALUE \(seq.minValue)", "MAXVALUE \(seq.maxValue)",
            "START WITH \(seq.start)", "CACHE \(seq.cache)",
        ]
        if seq.cycle { parts.append("CYCLE") }
        if let owned = seq.ownedBy { parts.append("OWNED BY \(owned)") }
        return parts.joined(separator: " ")
    }

    private static func wasComment(_ previous: String?) -> String { previous.map { " -- was \(literal($0))" } ?? "" }

    private static func was(_ previous: String) -> String { previous.isEmpty ? "" : " -- was \(previous)" }

    private static func literal(_ text: String?) -> String {
        guard let text else { return "NULL" }
        return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// Quotes an identifier only when it needs it (like `quote_ident`, without the keyword list for common words).
    static func ident(_ name: String) -> String {
        let simple = !name.isEmpty && name.unicodeScalars.enumerated().allSatisfy { index, scalar in
            (scalar >= "a" && scalar <= "z") || scalar == "_" || (index > 0 && ((scalar >= "0" && scalar <= "9") || scalar == "$"))
        }
        if simple && !reserved.contains(name) { return name }
        return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static let reserved: Set<String> = [
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both", "case", "cast", "check", "collate",
        "column", "constraint", "create", "current_catalog", "current_date", "current_role", "current_time", "current_timestamp",
        "current_user", "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "false", "fetch", "for",
        "foreign", "from", "grant", "group", "having", "in", "initially", "intersect", "into", "lateral", "leading", "limit",
        "localtime", "localtimestamp", "not", "null", "offset", "on", "only", "or", "order", "placing", "primary", "references",
        "returning", "select", "session_user", "some", "symmetric", "table", "then", "to", "trailing", "true", "union", "unique",
        "user", "using", "variadic", "when", "where", "window", "with",
    ]
}

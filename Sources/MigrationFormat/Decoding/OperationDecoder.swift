import Yams

/// Decodes one element of `operations`: an object with exactly one key, the operation kind.
struct OperationDecoder {
    let context: DecodingContext
    private var objects: ObjectDecoder { ObjectDecoder(context: context) }

    static let keys: [OperationKind: [String]] = [
        .createTable: ["name", "columns", "comment", "constraints"],
        .addColumn: ["table", "column", "up", "backfill"],
        .dropColumn: ["table", "column", "down", "backfill"],
        .renameColumn: ["table", "from", "to"],
        .renameTable: ["from", "to"],
        .dropTable: ["name"],
        .alterColumn: [
            "table", "column", "up", "down", "type", "nullable", "unique", "check", "references", "default",
            "comment", "backfill",
        ],
        .createIndex: ["name", "table", "columns", "method", "unique", "predicate", "storage_parameters"],
        .dropIndex: ["name"],
        .createConstraint: [
            "table", "name", "type", "columns", "check", "no_inherit", "references", "index_parameters", "up",
            "down", "backfill",
        ],
        .dropConstraint: ["table", "name", "column", "up", "down", "backfill"],
        .dropMulticolumnConstraint: ["table", "name", "up", "down", "backfill"],
        .renameConstraint: ["table", "from", "to"],
        .setReplicaIdentity: ["table", "identity"],
        .sql: ["up", "down", "onComplete"],
    ]

    /// Decodes the element at `path` (e.g. `operations[2]`).
    func decode(_ node: Node, path: String) -> LocatedOperation? {
        guard case let .mapping(mapping) = node else {
            context.report(
                .operationShape, at: node, keyPath: path,
                "each operation must be a mapping with one key (the operation kind), not "
                    + DecodingContext.describe(node))
            return nil
        }
        let pairs = Array(mapping)
        guard pairs.count == 1, let (keyNode, body) = pairs.first else {
            let names = pairs.compactMap { pair in
                context.duplicateSites[DuplicateKeyRecovery.Position(pair.0.mark)]?.key ?? pair.0.scalar?.string
            }
            let message =
                pairs.isEmpty
                ? "an operation must have exactly one key (the operation kind), found none"
                : "an operation must have exactly one key (the operation kind), found \(pairs.count): "
                    + names.map { "`\($0)`" }.joined(separator: ", ")
            context.report(
                .operationShape, at: node, keyPath: path, message,
                hint: pairs.isEmpty ? nil : "write each operation as its own list element starting with `- `")
            // Still check each operation so their errors are reported too.
            for (keyNode, body) in pairs {
                if let kind = operationKind(keyNode, path: path) {
                    _ = decodeBody(kind, body, keyNode: keyNode, path: DecodingContext.join(path, kind.rawValue))
                }
            }
            return nil
        }
        guard let kind = operationKind(keyNode, path: path) else { return nil }
        return decodeBody(kind, body, keyNode: keyNode, path: DecodingContext.join(path, kind.rawValue))
    }

    private func operationKind(_ keyNode: Node, path: String) -> OperationKind? {
        guard case let .scalar(scalar) = keyNode else {
            context.report(
                .operationShape, at: keyNode, keyPath: path,
                "an operation's key must be its kind, not \(DecodingContext.describe(keyNode))")
            return nil
        }
        if let site = context.duplicateSites[DuplicateKeyRecovery.Position(keyNode.mark)] {
            context.report(
                .duplicateKey, at: keyNode, keyPath: DecodingContext.join(path, site.key),
                "duplicate key `\(site.key)` in an operation (first given at line \(site.first.line), "
                    + "column \(site.first.column))",
                hint: "write each operation as its own list element starting with `- `")
            return nil
        }
        guard let kind = OperationKind(rawValue: scalar.string) else {
            context.report(
                .unknownOperation, at: keyNode, keyPath: DecodingContext.join(path, scalar.string),
                "unknown operation `\(scalar.string)`",
                hint: Suggestion.hint(
                    for: scalar.string, candidates: OperationKind.allCases.map(\.rawValue), noun: "operations"))
            return nil
        }
        return kind
    }

    private func decodeBody(_ kind: OperationKind, _ body: Node, keyNode: Node, path: String) -> LocatedOperation? {
        let location = context.location(of: keyNode)
        guard
            let reader = MappingReader(
                body, path: path, anchor: location, what: "`\(kind.rawValue)`", allowed: Self.keys[kind] ?? [],
                context: context)
        else { return nil }
        var snippets: [String: SQLSnippetSource] = [:]
        let operation: Operation?
        switch kind {
        case .createTable: operation = createTable(reader).map(Operation.createTable)
        case .addColumn: operation = addColumn(reader).map(Operation.addColumn)
        case .dropColumn: operation = dropColumn(reader).map(Operation.dropColumn)
        case .renameColumn: operation = renameColumn(reader).map(Operation.renameColumn)
        case .renameTable: operation = renameTable(reader).map(Operation.renameTable)
        case .dropTable: operation = reader.string("name", required: true).map { .dropTable(.init(name: $0)) }
        case .alterColumn: operation = alterColumn(reader).map(Operation.alterColumn)
        case .createIndex: operation = createIndex(reader).map(Operation.createIndex)
        case .dropIndex: operation = reader.string("name", required: true).map { .dropIndex(.init(name: $0)) }
        case .createConstraint: operation = createConstraint(reader).map(Operation.createConstraint)
        case .dropConstraint: operation = dropConstraint(reader).map(Operation.dropConstraint)
        case .dropMulticolumnConstraint:
            operation = dropMulticolumnConstraint(reader).map(Operation.dropMulticolumnConstraint)
        case .renameConstraint: operation = renameConstraint(reader).map(Operation.renameConstraint)
        case .setReplicaIdentity: operation = setReplicaIdentity(reader).map(Operation.setReplicaIdentity)
        case .sql:
            operation = rawSQL(reader).map(Operation.sql)
            for key in ["up", "down"] {
                if let entry = reader.entry(key), case let .scalar(scalar) = entry.value, reader.hasValue(key) {
                    snippets[key] = SnippetLocator.source(of: scalar, file: context.file, lines: lines)
                }
            }
        }
        guard let operation else { return nil }
        return LocatedOperation(operation: operation, location: location, keyPath: path, snippets: snippets)
    }

    /// The file's lines (for snippet positions), supplied by the file decoder.
    var lines: [Substring] = []

    // MARK: - Operations

    private func createTable(_ r: MappingReader) -> CreateTableOperation? {
        let name = r.string("name", required: true)
        let comment = r.string("comment")
        var failed = r.hasValue("comment") && comment == nil
        var columns: [Column] = []
        if let elements = r.sequence("columns", required: true) {
            if elements.isEmpty {
                context.report(
                    .invalidValue, at: r.keyLocation("columns"), keyPath: r.keyPath("columns"),
                    "`columns` of create_table must list at least one column")
                failed = true
            }
            for element in elements {
                if let column = objects.column(
                    element.node, path: element.path, anchor: context.location(of: element.node))
                {
                    columns.append(column)
                } else {
                    failed = true
                }
            }
        } else {
            failed = true
        }
        var constraints: [TableConstraint] = []
        if let elements = r.sequence("constraints") {
            for element in elements {
                if let constraint = objects.tableConstraint(element.node, path: element.path) {
                    constraints.append(constraint)
                } else {
                    failed = true
                }
            }
        } else if r.hasValue("constraints") {
            failed = true
        }
        guard let name, !failed else { return nil }
        return CreateTableOperation(name: name, columns: columns, comment: comment, constraints: constraints)
    }

    private func addColumn(_ r: MappingReader) -> AddColumnOperation? {
        let table = r.string("table", required: true)
        var column: Column?
        if let entry = r.entry("column"), r.hasValue("column") {
            column = objects.column(entry.value, path: r.keyPath("column"), anchor: r.keyLocation("column"))
        } else {
            r.reportMissing("column")
        }
        let up = r.sql("up")
        let backfill = objects.backfill(r)
        guard let table, let column, let backfill, !(r.hasValue("up") && up == nil) else { return nil }
        return AddColumnOperation(table: table, column: column, up: up, backfill: backfill)
    }

    private func dropColumn(_ r: MappingReader) -> DropColumnOperation? {
        let table = r.string("table", required: true)
        let column = r.string("column", required: true)
        let down = r.sql("down")
        let backfill = objects.backfill(r)
        guard let table, let column, let backfill, !(r.hasValue("down") && down == nil) else { return nil }
        return DropColumnOperation(table: table, column: column, down: down, backfill: backfill)
    }

    private func renameColumn(_ r: MappingReader) -> RenameColumnOperation? {
        let table = r.string("table", required: true)
        let from = r.string("from", required: true)
        let to = r.string("to", required: true)
        guard let table, let from, let to else { return nil }
        return RenameColumnOperation(table: table, from: from, to: to)
    }

    private func renameTable(_ r: MappingReader) -> RenameTableOperation? {
        let from = r.string("from", required: true)
        let to = r.string("to", required: true)
        guard let from, let to else { return nil }
        return RenameTableOperation(from: from, to: to)
    }

    private func alterColumn(_ r: MappingReader) -> AlterColumnOperation? {
        let table = r.string("table", required: true)
        let column = r.string("column", required: true)
        let up = r.sql("up")
        let down = r.sql("down")
        let type = r.string("type")
        let nullable = r.bool("nullable")
        let unique = r.mapping("unique", allowed: ["name"]).flatMap { reader in
            reader.string("name", required: true).map(AlterColumnOperation.UniqueConstraint.init)
        }
        let check = r.mapping("check", allowed: ObjectDecoder.checkKeys).flatMap(objects.columnCheck)
        let references = r.mapping("references", allowed: ObjectDecoder.columnReferenceKeys)
            .flatMap(objects.columnReference)
        let defaultChange = r.fieldChange("default")
        let commentChange = r.fieldChange("comment")
        let backfill = objects.backfill(r)
        let changes = ["type", "nullable", "unique", "check", "references", "default", "comment"]
        let changeKeys = changes.filter { $0 == "default" || $0 == "comment" ? r.has($0) : r.hasValue($0) }
        var failed = [
            ("up", up != nil), ("down", down != nil), ("type", type != nil), ("nullable", nullable != nil),
            ("unique", unique != nil), ("check", check != nil), ("references", references != nil),
        ].contains { r.hasValue($0.0) && !$0.1 }
        if changeKeys.isEmpty {
            context.report(
                .missingField, at: r.anchor, keyPath: r.path,
                "`alter_column` must change something: give at least one of "
                    + changes.map { "`\($0)`" }.joined(separator: ", "))
            failed = true
        }
        guard let table, let column, let defaultChange, let commentChange, let backfill, !failed else { return nil }
        return AlterColumnOperation(
            table: table, column: column, up: up, down: down, type: type, nullable: nullable, unique: unique,
            check: check, references: references, default: defaultChange, comment: commentChange,
            backfill: backfill)
    }

    private func createIndex(_ r: MappingReader) -> CreateIndexOperation? {
        let name = r.string("name", required: true)
        let table = r.string("table", required: true)
        let method = r.enumValue("method", IndexMethod.self)
        let unique = r.bool("unique")
        let predicate = r.sql("predicate")
        let storage = r.sql("storage_parameters")
        var failed = [
            ("method", method != nil), ("unique", unique != nil), ("predicate", predicate != nil),
            ("storage_parameters", storage != nil),
        ].contains { r.hasValue($0.0) && !$0.1 }
        var columns: [IndexColumn] = []
        if let elements = r.sequence("columns", required: true) {
            if elements.isEmpty {
                context.report(
                    .invalidValue, at: r.keyLocation("columns"), keyPath: r.keyPath("columns"),
                    "`columns` of create_index must list at least one column")
                failed = true
            }
            for element in elements {
                if let column = indexColumn(element.node, path: element.path) {
                    columns.append(column)
                } else {
                    failed = true
                }
            }
        } else {
            failed = true
        }
        guard let name, let table, !failed else { return nil }
        return CreateIndexOperation(
            name: name, table: table, columns: columns, method: method, unique: unique ?? false,
            predicate: predicate, storageParameters: storage)
    }

    private func indexColumn(_ node: Node, path: String) -> IndexColumn? {
        if case let .scalar(scalar) = node, node.tagName != .null {
            return IndexColumn(column: scalar.string)
        }
        guard
            let r = MappingReader(
                node, path: path, anchor: context.location(of: node), what: "index column",
                allowed: ["column", "collate", "sort", "nulls", "opclass"], context: context)
        else { return nil }
        let column = r.string("column", required: true)
        let collate = r.string("collate")
        let sort = r.enumValue("sort", IndexSortOrder.self)
        let nulls = r.enumValue("nulls", IndexNullsOrder.self)
        var opclass: OperatorClass?
        var failed = [("collate", collate != nil), ("sort", sort != nil), ("nulls", nulls != nil)]
            .contains { r.hasValue($0.0) && !$0.1 }
        if r.hasValue("opclass") {
            if let o = r.mapping("opclass", allowed: ["name", "params"]) {
                let name = o.string("name")
                let params = o.stringList("params")
                if let params, !(o.hasValue("name") && name == nil) {
                    opclass = OperatorClass(name: name, params: params)
                } else {
                    failed = true
                }
            } else {
                failed = true
            }
        }
        guard let column, !failed else { return nil }
        return IndexColumn(column: column, collate: collate, sort: sort, nulls: nulls, opclass: opclass)
    }

    private func createConstraint(_ r: MappingReader) -> CreateConstraintOperation? {
        let table = r.string("table", required: true)
        let name = r.string("name", required: true)
        var type = r.enumValue("type", ConstraintType.self, required: true)
        if type == .exclude {
            context.report(
                .invalidValue, at: r.entry("type").map { context.location(of: $0.value) } ?? r.anchor,
                keyPath: r.keyPath("type"), "`create_constraint` does not support type `exclude`",
                hint: "valid values: unique, check, foreign_key, primary_key; declare exclusion constraints in "
                    + "create_table `constraints`")
            type = nil
        }
        let columns = r.stringList("columns")
        let check = r.sql("check")
        let noInherit = r.bool("no_inherit")
        let references = r.mapping("references", allowed: ObjectDecoder.tableReferenceKeys)
            .flatMap(objects.tableReference)
        let parameters = r.mapping("index_parameters", allowed: ObjectDecoder.indexParameterKeys)
            .flatMap(objects.indexParameters)
        let up = r.sqlMap("up", required: true)
        let down = r.sqlMap("down", required: true)
        let backfill = objects.backfill(r)
        let failed = [
            ("check", check != nil), ("no_inherit", noInherit != nil), ("references", references != nil),
            ("index_parameters", parameters != nil),
        ].contains { r.hasValue($0.0) && !$0.1 }
        guard let table, let name, let type, let columns, let up, let down, let backfill, !failed else {
            return nil
        }
        return CreateConstraintOperation(
            table: table, name: name, type: type, columns: columns, check: check, noInherit: noInherit ?? false,
            references: references, indexParameters: parameters, up: up, down: down, backfill: backfill)
    }

    private func dropConstraint(_ r: MappingReader) -> DropConstraintOperation? {
        let table = r.string("table", required: true)
        let name = r.string("name", required: true)
        let column = r.string("column")
        let up = r.sql("up", required: true)
        let down = r.sql("down", required: true)
        let backfill = objects.backfill(r)
        guard let table, let name, let up, let down, let backfill, !(r.hasValue("column") && column == nil) else {
            return nil
        }
        return DropConstraintOperation(table: table, name: name, column: column, up: up, down: down, backfill: backfill)
    }

    private func dropMulticolumnConstraint(_ r: MappingReader) -> DropMulticolumnConstraintOperation? {
        let table = r.string("table", required: true)
        let name = r.string("name", required: true)
        let up = r.sqlMap("up")
        let down = r.sqlMap("down", required: true)
        let backfill = objects.backfill(r)
        guard let table, let name, let up, let down, let backfill else { return nil }
        return DropMulticolumnConstraintOperation(table: table, name: name, up: up, down: down, backfill: backfill)
    }

    private func renameConstraint(_ r: MappingReader) -> RenameConstraintOperation? {
        let table = r.string("table", required: true)
        let from = r.string("from", required: true)
        let to = r.string("to", required: true)
        guard let table, let from, let to else { return nil }
        return RenameConstraintOperation(table: table, from: from, to: to)
    }

    private func setReplicaIdentity(_ r: MappingReader) -> SetReplicaIdentityOperation? {
        let table = r.string("table", required: true)
        var identity: ReplicaIdentity?
        if let i = r.mapping("identity", allowed: ["type", "index"], required: true) {
            let type = i.enumValue("type", ReplicaIdentityType.self, required: true)
            let index = i.string("index")
            if type == .index && !i.hasValue("index") {
                i.reportMissing("index")
            } else if let type, !(i.hasValue("index") && index == nil) {
                identity = ReplicaIdentity(type: type, index: index)
            }
        }
        guard let table, let identity else { return nil }
        return SetReplicaIdentityOperation(table: table, identity: identity)
    }

    private func rawSQL(_ r: MappingReader) -> RawSQLOperation? {
        let up = r.sql("up", required: true)
        let down = r.sql("down")
        let onComplete = r.bool("onComplete")
        if onComplete == true && r.hasValue("down") {
            context.report(
                .conflictingFields, at: r.keyLocation("down"), keyPath: r.keyPath("down"),
                "`sql` cannot combine `onComplete: true` with `down`",
                hint: "SQL run at complete cannot be rolled back; remove `down` or `onComplete`")
            return nil
        }
        guard let up, !(r.hasValue("down") && down == nil), !(r.hasValue("onComplete") && onComplete == nil) else {
            return nil
        }
        return RawSQLOperation(up: up, down: down, onComplete: onComplete ?? false)
    }
}

import MigrationFormat

/// A catalog built from the migration files alone, for `slipway plan --offline`: the tables, columns, keys,
/// constraints and indexes the earlier files create, as ``VersionPlanner`` needs them — no database.
///
/// What the files cannot tell stays unknown and is said so: row counts and sizes are never known; a table
/// the planned files use but no earlier file creates (made before Slipway, or by raw SQL) becomes a
/// *placeholder* with the columns the operations name, type `unknown` and the key `<primary key>`, listed in
/// ``unknownTables`` so the report can flag the statements that depend on it.
public struct OfflineCatalog: Sendable {
    public var schema: String
    public private(set) var tables: [String: TableInfo] = [:]
    /// Tables (and columns, as `table.column`) that no file creates: placeholders.
    public private(set) var unknownTables: Set<String> = []
    /// Other relations (indexes) by name.
    private var otherRelations: Set<String> = []

    /// The key column placeholders get.
    public static let unknownKey = "<primary key>"
    /// The type placeholder columns get.
    public static let unknownType = "unknown"

    public init(schema: String) { self.schema = schema }

    /// Every relation name (tables, indexes, constraint indexes), for the planner's clash checks.
    public var relations: Set<String> { Set(tables.keys).union(otherRelations) }

    /// Applies the operations of files that are taken as applied (start and complete ran).
    public mutating func apply(_ file: MigrationFile) {
        for located in file.operations { apply(located.operation) }
    }

    /// Makes sure every table, column, constraint and index `files` use exists, adding placeholders for
    /// those no earlier file created — so the planner produces every statement it can.
    public mutating func addPlaceholders(for files: [MigrationFile]) {
        var created: Set<String> = []
        for file in files {
            for located in file.operations {
                switch located.operation {
                case .createTable(let op): created.insert(op.name)
                case .addColumn(let op):
                    need(op.table, columns: [], created: created)
                    created.insert("\(op.table).\(op.column.name)")
                case .dropColumn(let op): need(op.table, columns: [op.column], created: created)
                case .renameColumn(let op):
                    need(op.table, columns: [op.from], created: created)
                    created.insert("\(op.table).\(op.to)")
                case .alterColumn(let op): need(op.table, columns: [op.column], created: created)
                case .createIndex(let op): need(op.table, columns: op.columns.map(\.column), created: created)
                case .createConstraint(let op):
                    need(op.table, columns: op.columns, created: created)
                    if let references = op.references { need(references.table, columns: references.columns, created: created) }
                case .dropConstraint(let op):
                    need(op.table, columns: [], created: created)
                    needConstraint(op.table, op.name)
                case .dropMulticolumnConstraint(let op):
                    need(op.table, columns: [], created: created)
                    needConstraint(op.table, op.name)
                case .renameConstraint(let op):
                    need(op.table, columns: [], created: created)
                    needConstraint(op.table, op.from)
                case .renameTable(let op): need(op.from, columns: [], created: created)
                case .dropTable(let op): need(op.name, columns: [], created: created)
                case .setReplicaIdentity(let op):
                    need(op.table, columns: [], created: created)
                    if let index = op.identity.index, tables[op.table]?.indexes.contains(where: { $0.name == index }) == false {
                        tables[op.table]?.indexes.append(.init(name: index, backsConstraint: false, partitioned: false, unique: true))
                        otherRelations.insert(index)
                    }
                case .dropIndex(let op):
                    if !tables.values.contains(where: { $0.indexes.contains { $0.name == op.name } }) {
                        let owner = "(table of \(op.name))"
                        need(owner, columns: [], created: created)
                        tables[owner]?.indexes.append(.init(name: op.name, backsConstraint: false, partitioned: false, unique: false))
                        otherRelations.insert(op.name)
                    }
                case .sql: break
                }
            }
        }
    }

    private mutating func need(_ table: String, columns: [String], created: Set<String>) {
        guard !created.contains(table) else { return }
        if tables[table] == nil {
            tables[table] = TableInfo(
                schema: schema, name: table,
                columns: [.init(name: Self.unknownKey, type: Self.unknownType, notNull: true, defaultExpression: nil, identity: nil, generated: false)],
                primaryKey: [Self.unknownKey], uniqueNotNullKey: [], estimatedRows: -1, rowSecurity: false)
            unknownTables.insert(table)
        }
        for column in columns where tables[table]?.column(column) == nil && !created.contains("\(table).\(column)") {
            tables[table]?.columns.append(
                .init(name: column, type: Self.unknownType, notNull: false, defaultExpression: nil, identity: nil, generated: false))
            unknownTables.insert("\(table).\(column)")
        }
    }

    private mutating func needConstraint(_ table: String, _ name: String) {
        guard tables[table]?.constraints.contains(where: { $0.name == name }) == false else { return }
        tables[table]?.constraints.append(.init(name: name, type: "c"))
        unknownTables.insert("\(table).\(name)")
    }

    private func column(_ column: Column) -> TableInfo.ColumnInfo {
        var identity: String?
        var generated = false
        switch column.generated {
        case .identity(let options)?: identity = options.userSpecifiedValues == .always ? "a" : "d"
        case .expression?: generated = true
        case nil: break
        }
        return TableInfo.ColumnInfo(
            name: column.name, type: column.type, notNull: !column.nullable || column.pk, defaultExpression: column.default,
            identity: identity, generated: generated, comment: column.comment)
    }

    private mutating func apply(_ operation: Operation) {
        switch operation {
        case .createTable(let op):
            var info = TableInfo(
                schema: schema, name: op.name, columns: op.columns.map(column), primaryKey: op.columns.filter(\.pk).map(\.name),
                uniqueNotNullKey: [], estimatedRows: -1, rowSecurity: false)
            if info.primaryKey.isEmpty, let key = op.constraints.first(where: { $0.type == .primaryKey }) {
                info.primaryKey = key.columns
                for name in key.columns {
                    if let index = info.columns.firstIndex(where: { $0.name == name }) { info.columns[index].notNull = true }
                }
            }
            if !info.primaryKey.isEmpty {
                let name = "\(op.name)_pkey"
                info.constraints.append(.init(name: name, type: "p"))
                info.indexes.append(.init(name: name, backsConstraint: true, partitioned: false, unique: true))
                otherRelations.insert(name)
            }
            for column in op.columns {
                if column.unique {
                    let name = "\(op.name)_\(column.name)_key"
                    info.constraints.append(.init(name: name, type: "u"))
                    info.indexes.append(.init(name: name, backsConstraint: true, partitioned: false, unique: true))
                    otherRelations.insert(name)
                    if info.uniqueNotNullKey.isEmpty && !column.nullable { info.uniqueNotNullKey = [column.name] }
                }
                if let check = column.check { info.constraints.append(.init(name: check.name, type: "c")) }
                if let references = column.references {
                    info.constraints.append(.init(name: references.name, type: "f"))
                    tables[references.table]?.referencedBy.append("\(op.name).\(references.name)")
                }
            }
            for constraint in op.constraints {
                switch constraint.type {
                case .primaryKey: continue
                case .unique:
                    info.constraints.append(.init(name: constraint.name, type: "u"))
                    info.indexes.append(.init(name: constraint.name, backsConstraint: true, partitioned: false, unique: true))
                    otherRelations.insert(constraint.name)
                case .foreignKey:
                    info.constraints.append(.init(name: constraint.name, type: "f"))
                    if let target = constraint.references?.table { tables[target]?.referencedBy.append("\(op.name).\(constraint.name)") }
                default: info.constraints.append(.init(name: constraint.name, type: constraint.type == .check ? "c" : "x"))
                }
            }
            tables[op.name] = info
        case .addColumn(let op):
            var added = column(op.column)
            added.notNull = !op.column.nullable
            tables[op.table]?.columns.append(added)
            if let check = op.column.check { tables[op.table]?.constraints.append(.init(name: check.name, type: "c")) }
            if let references = op.column.references {
                tables[op.table]?.constraints.append(.init(name: references.name, type: "f"))
                tables[references.table]?.referencedBy.append("\(op.table).\(references.name)")
            }
            if op.column.unique {
                let name = VersionPlanner.shortName("\(op.table)_\(op.column.name)_key")
                tables[op.table]?.constraints.append(.init(name: name, type: "u"))
                tables[op.table]?.indexes.append(.init(name: name, backsConstraint: true, partitioned: false, unique: true))
                otherRelations.insert(name)
            }
        case .dropColumn(let op):
            tables[op.table]?.columns.removeAll { $0.name == op.column }
        case .renameColumn(let op):
            guard var info = tables[op.table], let index = info.columns.firstIndex(where: { $0.name == op.from }) else { return }
            info.columns[index].name = op.to
            info.primaryKey = info.primaryKey.map { $0 == op.from ? op.to : $0 }
            info.uniqueNotNullKey = info.uniqueNotNullKey.map { $0 == op.from ? op.to : $0 }
            tables[op.table] = info
        case .renameTable(let op):
            guard var info = tables.removeValue(forKey: op.from) else { return }
            info.name = op.to
            tables[op.to] = info
            for name in Array(tables.keys) {
                guard let references = tables[name]?.referencedBy else { continue }
                tables[name]?.referencedBy = references.map { $0.hasPrefix(op.from + ".") ? op.to + $0.dropFirst(op.from.count) : $0 }
            }
        case .dropTable(let op):
            if let info = tables.removeValue(forKey: op.name) { otherRelations.subtract(info.indexes.map(\.name)) }
            for name in Array(tables.keys) { tables[name]?.referencedBy.removeAll { $0.hasPrefix(op.name + ".") } }
        case .alterColumn(let op):
            guard var info = tables[op.table], let index = info.columns.firstIndex(where: { $0.name == op.column }) else { return }
            if let change = op.default { info.columns[index].defaultExpression = change.value }
            if let change = op.comment { info.columns[index].comment = change.value }
            if let nullable = op.nullable { info.columns[index].notNull = !nullable }
            if let type = op.type { info.columns[index].type = type }
            tables[op.table] = info
        case .createIndex(let op):
            tables[op.table]?.indexes.append(.init(name: op.name, backsConstraint: false, partitioned: false, unique: op.unique))
            otherRelations.insert(op.name)
        case .dropIndex(let op):
            for name in Array(tables.keys) { tables[name]?.indexes.removeAll { $0.name == op.name } }
            otherRelations.remove(op.name)
        case .createConstraint(let op):
            let type: String = switch op.type {
            case .unique: "u"
            case .foreignKey: "f"
            case .primaryKey: "p"
            case .check: "c"
            default: "x"
            }
            tables[op.table]?.constraints.append(.init(name: op.name, type: type))
            if op.type == .unique || op.type == .primaryKey {
                tables[op.table]?.indexes.append(.init(name: op.name, backsConstraint: true, partitioned: false, unique: true))
                otherRelations.insert(op.name)
            }
            if op.type == .foreignKey, let target = op.references?.table {
                tables[target]?.referencedBy.append("\(op.table).\(op.name)")
            }
        case .dropConstraint(let op): dropConstraint(op.table, op.name)
        case .dropMulticolumnConstraint(let op): dropConstraint(op.table, op.name)
        case .renameConstraint(let op):
            guard var info = tables[op.table], let index = info.constraints.firstIndex(where: { $0.name == op.from }) else { return }
            info.constraints[index].name = op.to
            if let indexIndex = info.indexes.firstIndex(where: { $0.name == op.from && $0.backsConstraint }) {
                info.indexes[indexIndex].name = op.to
                otherRelations.remove(op.from)
                otherRelations.insert(op.to)
            }
            tables[op.table] = info
            for name in Array(tables.keys) {
                guard let references = tables[name]?.referencedBy else { continue }
                tables[name]?.referencedBy = references.map { $0 == "\(op.table).\(op.from)" ? "\(op.table).\(op.to)" : $0 }
            }
        case .setReplicaIdentity(let op):
            let code: String = switch op.identity.type {
            case .default: "d"
            case .full: "f"
            case .nothing: "n"
            case .index: "i"
            }
            tables[op.table]?.replicaIdentity = code
            tables[op.table]?.replicaIdentityIndex = op.identity.type == .index ? op.identity.index : nil
        case .sql: break
        }
    }

    private mutating func dropConstraint(_ table: String, _ name: String) {
        tables[table]?.constraints.removeAll { $0.name == name }
        if tables[table]?.indexes.contains(where: { $0.name == name && $0.backsConstraint }) == true {
            tables[table]?.indexes.removeAll { $0.name == name }
            otherRelations.remove(name)
        }
        for other in Array(tables.keys) { tables[other]?.referencedBy.removeAll { $0 == "\(table).\(name)" } }
    }
}

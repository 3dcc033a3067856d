import PostgresClient

/// Indexes and unique constraints on partitioned tables.
///
/// `CREATE INDEX CONCURRENTLY` refuses a partitioned table, and a plain `CREATE INDEX` on one locks every
/// partition against writes for the whole build. So an index is built the way PostgreSQL's documentation
/// describes for busy tables: an invalid index `ON ONLY` each partitioned table (instant: no storage), a
/// concurrent build on every leaf partition, then `ALTER INDEX … ATTACH PARTITION` bottom-up — the parent
/// index becomes valid once all its partitions are attached. Child indexes get the names plain DDL would
/// give them (`<partition>_<columns>_idx`, `_key` for constraints), so the end state matches plain DDL.
///
/// A unique constraint cannot use `ADD CONSTRAINT … USING INDEX` on a partitioned table: each leaf gets its
/// unique index concurrently at start (uniqueness holds from then on, since every unique index of a
/// partitioned table contains the partition key), and complete attaches a constraint to each leaf's index and
/// then adds the parent's constraint, which adopts the leaves' constraints instead of building anything.
extension VersionPlanner {
    /// Builds the start steps of an index on a partitioned table.
    /// - Parameters:
    ///   - name: the index on the partitioned table itself.
    ///   - columnNames: logical names of the key and INCLUDE columns (for the child index names).
    ///   - tail: everything after `ON <table>`: `USING …`, the column list, `INCLUDE`, `WITH`, `WHERE`.
    ///   - relations: names taken in the target schema; the chosen names are added.
    static func partitionedIndexSteps(
        schema: String, table: String, name: String, unique: Bool, partitioning: TableInfo.Partitioning,
        columnNames: [String], tail: String, relations: inout Set<String>, origin: String?
    ) -> [MigrationStep] {
        let uniqueWord = unique ? "UNIQUE " : ""
        var indexOf: [String: QualifiedName] = ["\(schema).\(table)": QualifiedName(schema, name)]
        for partition in partitioning.partitions {
            let chosen = chooseRelationName(
                partition.name, indexNameAddition(columnNames), label: "idx",
                taken: partition.schema == schema ? relations : [])
            if partition.schema == schema { relations.insert(chosen) }
            indexOf["\(partition.schema).\(partition.name)"] = QualifiedName(partition.schema, chosen)
        }
        func quoted(_ name: QualifiedName) -> String { PostgresIdentifier.qualified(name.schema, name.name) }
        func dropStep(_ index: QualifiedName) -> MigrationStep {
            MigrationStep(
                "drop partitioned index \(index.name) and its partitions",
                .transaction(statements: ["DROP INDEX IF EXISTS \(quoted(index))"], accessExclusive: true), origin: origin)
        }
        var steps: [MigrationStep] = []
        let root = QualifiedName(schema, name)
        steps.append(MigrationStep(
            "create index \(name) ON ONLY \(table) (partitioned: invalid until its partitions are attached)",
            .transaction(
                statements: ["CREATE \(uniqueWord)INDEX IF NOT EXISTS \(PostgresIdentifier.quote(name)) ON ONLY \(PostgresIdentifier.qualified(schema, table))\(tail)"],
                accessExclusive: false),
            origin: origin, undo: [dropStep(root)]))
        for partition in partitioning.partitions where partition.partitioned {
            guard let index = indexOf["\(partition.schema).\(partition.name)"] else { continue }
            steps.append(MigrationStep(
                "create index \(index.name) ON ONLY partition \(partition.name)",
                .transaction(
                    statements: ["CREATE \(uniqueWord)INDEX IF NOT EXISTS \(PostgresIdentifier.quote(index.name)) ON ONLY \(PostgresIdentifier.qualified(partition.schema, partition.name))\(tail)"],
                    accessExclusive: false),
                origin: origin, undo: [dropStep(index)]))
        }
        for partition in partitioning.partitions where !partition.partitioned {
            guard let index = indexOf["\(partition.schema).\(partition.name)"] else { continue }
            steps.append(MigrationStep(
                "build index \(index.name) on partition \(partition.name) concurrently",
                .concurrent(
                    statement: "CREATE \(uniqueWord)INDEX CONCURRENTLY \(PostgresIdentifier.quote(index.name)) ON \(PostgresIdentifier.qualified(partition.schema, partition.name))\(tail)",
                    index: index),
                origin: origin,
                undo: [MigrationStep(
                    "drop index \(index.name) concurrently",
                    .concurrent(statement: "DROP INDEX CONCURRENTLY IF EXISTS \(quoted(index))", index: nil), origin: origin)]))
        }
        // Deepest partitions first, so each partitioned partition's index is complete before it is attached.
        for partition in partitioning.partitions.sorted(by: { $0.level > $1.level }) {
            guard let index = indexOf["\(partition.schema).\(partition.name)"],
                let parent = indexOf["\(partition.parentSchema).\(partition.parentName)"]
            else { continue }
            steps.append(MigrationStep(
                "attach index \(index.name) to \(parent.name)",
                .transaction(statements: ["ALTER INDEX \(quoted(parent)) ATTACH PARTITION \(quoted(index))"], accessExclusive: true),
                origin: origin, undo: [dropStep(parent)]))
        }
        return steps
    }

    /// The start and complete steps of a unique constraint on a partitioned table (see the type's notes).
    static func partitionedUniqueConstraintSteps(
        schema: String, table: String, name: String, columns: [String], columnNames: [String], include: String,
        partitioning: TableInfo.Partitioning, primaryKey: Bool = false, relations: inout Set<String>, origin: String?
    ) -> (start: [MigrationStep], complete: [MigrationStep]) {
        var start: [MigrationStep] = []
        var complete: [MigrationStep] = []
        let quotedColumns = columns.joined(separator: ", ")
        let kind = primaryKey ? "PRIMARY KEY" : "UNIQUE"
        for partition in partitioning.partitions where !partition.partitioned {
            // Plain DDL names a partition's primary key index `<partition>_pkey`, a unique one after its columns.
            let chosen = chooseRelationName(
                partition.name, primaryKey ? "" : indexNameAddition(columnNames), label: primaryKey ? "pkey" : "key",
                taken: partition.schema == schema ? relations : [])
            if partition.schema == schema { relations.insert(chosen) }
            let index = QualifiedName(partition.schema, chosen)
            let target = PostgresIdentifier.qualified(partition.schema, partition.name)
            start.append(MigrationStep(
                "build unique index \(chosen) on partition \(partition.name) concurrently",
                .concurrent(
                    statement: "CREATE UNIQUE INDEX CONCURRENTLY \(PostgresIdentifier.quote(chosen)) ON \(target) (\(quotedColumns))\(include)",
                    index: index),
                origin: origin,
                undo: [MigrationStep(
                    "drop index \(chosen) concurrently",
                    .concurrent(statement: "DROP INDEX CONCURRENTLY IF EXISTS \(PostgresIdentifier.qualified(index.schema, index.name))", index: nil),
                    origin: origin)]))
            complete.append(MigrationStep(
                "attach \(kind.lowercased()) constraint \(chosen) to its index on partition \(partition.name)",
                .transaction(
                    statements: ["ALTER TABLE \(target) ADD CONSTRAINT \(PostgresIdentifier.quote(chosen)) \(kind) USING INDEX \(PostgresIdentifier.quote(chosen))"],
                    accessExclusive: true), origin: origin))
        }
        complete.append(MigrationStep(
            "add \(kind.lowercased()) constraint \(name) to \(table) (adopts the partitions' constraints: no build, no scan)",
            .transaction(
                statements: ["ALTER TABLE \(PostgresIdentifier.qualified(schema, table)) ADD CONSTRAINT \(PostgresIdentifier.quote(name)) \(kind) (\(quotedColumns))\(include)"],
                accessExclusive: true), origin: origin))
        return (start, complete)
    }

    /// Why a unique index or constraint cannot exist on a partitioned table with these columns, or nil.
    static func partitionKeyProblem(_ partitioning: TableInfo.Partitioning, table: String, columns: [String]) -> String? {
        if partitioning.hasExpressionKey {
            return "table \"\(table)\" (or one of its partitions) is partitioned by an expression, so it cannot have a unique index"
        }
        let missing = partitioning.keyColumns.filter { !columns.contains($0) }
        guard !missing.isEmpty else { return nil }
        return "a unique index on partitioned table \"\(table)\" must contain the partition key column(s) \(missing.map { "\"\($0)\"" }.joined(separator: ", "))"
    }

    /// PostgreSQL's `ChooseIndexNameAddition`: the column names joined by `_`, stopping once 63 bytes are
    /// reached.
    static func indexNameAddition(_ columns: [String]) -> String {
        var result = ""
        for column in columns {
            if !result.isEmpty { result += "_" }
            result += column
            if result.utf8.count >= 63 { break }
        }
        return result
    }

    /// PostgreSQL's `ChooseRelationName`/`makeObjectName`: `name1_name2_label`, the longer of the two names
    /// shortened until it fits in 63 bytes, then `label1`, `label2`… until the name is not taken.
    static func chooseRelationName(_ name1: String, _ name2: String, label: String, taken: Set<String>) -> String {
        var pass = 0
        while true {
            let modLabel = pass == 0 ? label : "\(label)\(pass)"
            let candidate = makeObjectName(name1, name2, label: modLabel)
            if !taken.contains(candidate) { return candidate }
            pass += 1
        }
    }

    static func makeObjectName(_ name1: String, _ name2: String, label: String) -> String {
        let overhead = (name2.isEmpty ? 0 : 1) + label.utf8.count + 1
        let available = 63 - overhead
        var name1Bytes = name1.utf8.count
        var name2Bytes = name2.utf8.count
        while name1Bytes + name2Bytes > available {
            if name1Bytes > name2Bytes { name1Bytes -= 1 } else { name2Bytes -= 1 }
        }
        func clip(_ text: String, _ bytes: Int) -> String {
            var result = ""
            for character in text.unicodeScalars {
                if result.utf8.count + String(character).utf8.count > bytes { break }
                result.unicodeScalars.append(character)
            }
            return result
        }
        var result = clip(name1, name1Bytes)
        if !name2.isEmpty { result += "_" + clip(name2, name2Bytes) }
        return result + "_" + label
    }
}

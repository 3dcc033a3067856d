import Yams

/// Decoders for the common objects of the format (column, check, references, constraints, …).
/// Each reads strictly, reports to the context, and returns `nil` if the object has errors.
struct ObjectDecoder {
    let context: DecodingContext

    static let columnKeys = [
        "name", "type", "nullable", "pk", "unique", "default", "comment", "check", "references", "generated",
    ]
    static let checkKeys = ["name", "constraint", "no_inherit"]
    static let columnReferenceKeys = [
        "name", "table", "column", "on_delete", "on_update", "match_type", "deferrable", "initially_deferred",
    ]
    static let tableReferenceKeys = [
        "table", "columns", "on_delete", "on_update", "on_delete_set_columns", "match_type",
    ]
    static let constraintKeys = [
        "name", "type", "columns", "deferrable", "initially_deferred", "nulls_not_distinct", "no_inherit",
        "check", "references", "exclude", "index_parameters",
    ]
    static let indexParameterKeys = ["tablespace", "storage_parameters", "include_columns"]
    static let excludeKeys = ["index_method", "elements", "predicate"]
    static let backfillKeys = [
        "batch_size", "target_batch_ms", "min_batch_size", "max_batch_size", "workers",
        "pause_between_batches_ms", "vacuum_every_batches", "max_replica_lag_ms",
    ]

    // MARK: - Column

    func column(_ node: Node, path: String, anchor: SourceLocation) -> Column? {
        guard
            let reader = MappingReader(
                node, path: path, anchor: anchor, what: "column", allowed: Self.columnKeys, context: context)
        else { return nil }
        let name = reader.string("name", required: true)
        let type = reader.string("type", required: true)
        let nullable = reader.bool("nullable")
        let nullableIsExplicit = reader.hasValue("nullable")
        let pk = reader.bool("pk")
        let unique = reader.bool("unique")
        let defaultSQL = reader.sql("default")
        let comment = reader.string("comment")
        let check = reader.mapping("check", allowed: Self.checkKeys).flatMap(columnCheck)
        let references = reader.mapping("references", allowed: Self.columnReferenceKeys).flatMap(columnReference)
        let generated = generatedColumn(reader)
        let failed =
            (reader.hasValue("nullable") && nullable == nil) || (reader.hasValue("pk") && pk == nil)
            || (reader.hasValue("unique") && unique == nil) || (reader.hasValue("check") && check == nil)
            || (reader.hasValue("references") && references == nil)
            || (reader.hasValue("generated") && generated == nil)
            || (reader.hasValue("default") && defaultSQL == nil)
            || (reader.hasValue("comment") && comment == nil)
        guard let name, let type, !failed else { return nil }
        return Column(
            name: name, type: type, nullable: nullable ?? false, nullableIsExplicit: nullableIsExplicit,
            pk: pk ?? false, unique: unique ?? false, default: defaultSQL, comment: comment, check: check,
            references: references, generated: generated)
    }

    func columnCheck(_ reader: MappingReader) -> ColumnCheck? {
        let name = reader.string("name", required: true)
        let constraint = reader.sql("constraint", required: true)
        let noInherit = reader.bool("no_inherit")
        guard let name, let constraint, !(reader.hasValue("no_inherit") && noInherit == nil) else { return nil }
        return ColumnCheck(name: name, constraint: constraint, noInherit: noInherit ?? false)
    }

    func columnReference(_ reader: MappingReader) -> ForeignKeyReference? {
        let name = reader.string("name", required: true)
        let table = reader.string("table", required: true)
        let column = reader.string("column", required: true)
        let onDelete = reader.enumValue("on_delete", ForeignKeyAction.self)
        let onUpdate = reader.enumValue("on_update", ForeignKeyAction.self)
        let matchType = reader.enumValue("match_type", ForeignKeyMatchType.self)
        let deferrable = reader.bool("deferrable")
        let initiallyDeferred = reader.bool("initially_deferred")
        let failed = [
            ("on_delete", onDelete != nil), ("on_update", onUpdate != nil), ("match_type", matchType != nil),
            ("deferrable", deferrable != nil), ("initially_deferred", initiallyDeferred != nil),
        ].contains { reader.hasValue($0.0) && !$0.1 }
        guard let name, let table, let column, !failed else { return nil }
        return ForeignKeyReference(
            name: name, table: table, column: column, onDelete: onDelete, onUpdate: onUpdate, matchType: matchType,
            deferrable: deferrable, initiallyDeferred: initiallyDeferred)
    }

    private func generatedColumn(_ column: MappingReader) -> GeneratedColumn? {
        guard let reader = column.mapping("generated", allowed: ["expression", "identity"]) else { return nil }
        let hasExpression = reader.hasValue("expression")
        let hasIdentity = reader.hasValue("identity")
        if hasExpression && hasIdentity {
            context.report(
                .conflictingFields, at: reader.keyLocation("identity"), keyPath: reader.keyPath("identity"),
                "`generated` takes either `expression` or `identity`, not both")
            return nil
        }
        if hasExpression {
            return reader.sql("expression").map(GeneratedColumn.expression)
        }
        if hasIdentity {
            guard
                let identity = reader.mapping(
                    "identity", allowed: ["user_specified_values", "sequence_options"])
            else { return nil }
            let values = identity.enumValue("user_specified_values", GeneratedColumn.IdentityGeneration.self)
            let options = identity.sql("sequence_options")
            if identity.hasValue("user_specified_values") && values == nil { return nil }
            if identity.hasValue("sequence_options") && options == nil { return nil }
            return .identity(.init(userSpecifiedValues: values, sequenceOptions: options))
        }
        context.report(
            .missingField, at: reader.anchor, keyPath: reader.path,
            "`generated` needs `expression` or `identity`")
        return nil
    }

    // MARK: - Table-level objects

    func tableConstraint(_ node: Node, path: String) -> TableConstraint? {
        guard
            let reader = MappingReader(
                node, path: path, anchor: context.location(of: node), what: "constraint",
                allowed: Self.constraintKeys, context: context)
        else { return nil }
        let name = reader.string("name", required: true)
        let type = reader.enumValue("type", ConstraintType.self, required: true)
        let columns = reader.stringList("columns")
        let deferrable = reader.bool("deferrable")
        let initiallyDeferred = reader.bool("initially_deferred")
        let nullsNotDistinct = reader.bool("nulls_not_distinct")
        let noInherit = reader.bool("no_inherit")
        let check = reader.sql("check")
        let references = reader.mapping("references", allowed: Self.tableReferenceKeys).flatMap(tableReference)
        let exclude = reader.mapping("exclude", allowed: Self.excludeKeys).flatMap(excludeConstraint)
        let parameters = reader.mapping("index_parameters", allowed: Self.indexParameterKeys)
            .flatMap(indexParameters)
        let failed = [
            ("deferrable", deferrable != nil), ("initially_deferred", initiallyDeferred != nil),
            ("nulls_not_distinct", nullsNotDistinct != nil), ("no_inherit", noInherit != nil),
            ("check", check != nil), ("references", references != nil), ("exclude", exclude != nil),
            ("index_parameters", parameters != nil),
        ].contains { reader.hasValue($0.0) && !$0.1 }
        guard let name, let type, let columns, !failed else { return nil }
        return TableConstraint(
            name: name, type: type, columns: columns, deferrable: deferrable ?? false,
            initiallyDeferred: initiallyDeferred ?? false, nullsNotDistinct: nullsNotDistinct ?? false,
            noInherit: noInherit ?? false, check: check, references: references, exclude: exclude,
            indexParameters: parameters)
    }

    func tableReference(_ reader: MappingReader) -> TableForeignKeyReference? {
        let table = reader.string("table", required: true)
        let columns = reader.stringList("columns", required: true)
        let onDelete = reader.enumValue("on_delete", ForeignKeyAction.self)
        let onUpdate = reader.enumValue("on_update", ForeignKeyAction.self)
        let setColumns = reader.stringList("on_delete_set_columns")
        let matchType = reader.enumValue("match_type", ForeignKeyMatchType.self)
        let failed = [
            ("on_delete", onDelete != nil), ("on_update", onUpdate != nil), ("match_type", matchType != nil),
        ].contains { reader.hasValue($0.0) && !$0.1 }
        guard let table, let columns, let setColumns, !failed else { return nil }
        return TableForeignKeyReference(
            table: table, columns: columns, onDelete: onDelete, onUpdate: onUpdate, onDeleteSetColumns: setColumns,
            matchType: matchType)
    }

    func excludeConstraint(_ reader: MappingReader) -> ExcludeConstraint? {
        let method = reader.string("index_method")
        let elements = reader.sql("elements")
        let predicate = reader.sql("predicate")
        let failed = [("index_method", method != nil), ("elements", elements != nil), ("predicate", predicate != nil)]
            .contains { reader.hasValue($0.0) && !$0.1 }
        guard !failed else { return nil }
        return ExcludeConstraint(indexMethod: method, elements: elements, predicate: predicate)
    }

    func indexParameters(_ reader: MappingReader) -> IndexParameters? {
        let tablespace = reader.string("tablespace")
        let storage = reader.sql("storage_parameters")
        let include = reader.stringList("include_columns")
        let failed = [("tablespace", tablespace != nil), ("storage_parameters", storage != nil)]
            .contains { reader.hasValue($0.0) && !$0.1 }
        guard let include, !failed else { return nil }
        return IndexParameters(tablespace: tablespace, storageParameters: storage, includeColumns: include)
    }

    // MARK: - Backfill (Slipway extension)

    /// `backfill` of a reader (top level or operation); `.some(nil)` when absent, `nil` on error.
    func backfill(_ parent: MappingReader) -> BackfillSettings?? {
        guard parent.hasValue("backfill") else { return .some(nil) }
        guard let reader = parent.mapping("backfill", allowed: Self.backfillKeys) else { return nil }
        let positive = ["batch_size", "target_batch_ms", "min_batch_size", "max_batch_size", "workers",
            "max_replica_lag_ms"]
        var values: [String: Int] = [:]
        var failed = false
        for key in Self.backfillKeys {
            guard reader.hasValue(key) else { continue }
            if let value = reader.int(key, minimum: positive.contains(key) ? 1 : 0) {
                values[key] = value
            } else {
                failed = true
            }
        }
        if let minimum = values["min_batch_size"], let maximum = values["max_batch_size"], minimum > maximum {
            context.report(
                .invalidValue, at: reader.keyLocation("min_batch_size"), keyPath: reader.keyPath("min_batch_size"),
                "`min_batch_size` (\(minimum)) is greater than `max_batch_size` (\(maximum))")
            failed = true
        }
        guard !failed else { return nil }
        return .some(
            BackfillSettings(
                batchSize: values["batch_size"], targetBatchMs: values["target_batch_ms"],
                minBatchSize: values["min_batch_size"], maxBatchSize: values["max_batch_size"],
                workers: values["workers"], pauseBetweenBatchesMs: values["pause_between_batches_ms"],
                vacuumEveryBatches: values["vacuum_every_batches"], maxReplicaLagMs: values["max_replica_lag_ms"]))
    }
}

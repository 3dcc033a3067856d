import PostgresClient

/// A schema-qualified table or index name, printed quoted (`"public"."orders"`).
public struct RelationName: Sendable, Hashable, CustomStringConvertible {
    /// The schema (`public`).
    public var schema: String
    /// The relation's name within the schema.
    public var name: String

    public init(schema: String, name: String) {
        self.schema = schema
        self.name = name
    }

    /// `"schema"."name"`, quoted with ``PostgresIdentifier/qualified(_:_:)`` — safe to put into SQL text.
    public var description: String { PostgresIdentifier.qualified(schema, name) }
}

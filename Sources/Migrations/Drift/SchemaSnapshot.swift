import Crypto
import Foundation

/// A deterministic picture of one schema as the catalogs describe it: what `slipway drift` compares.
///
/// Everything is sorted by name, so two reads of an unchanged schema encode to the same canonical JSON and
/// have the same ``fingerprint``. Slipway's own artefacts are left out: objects named `_slipway_*`
/// (transitional columns, dual-write triggers and their functions, helper constraints and indexes), the
/// state schema and the version schemas (`<schema>_<version>`), which are other schemas. Objects that belong
/// to an extension are left out too (the extension itself is listed).
///
/// Read with ``read(schema:connection:)``; it needs no superuser and no event trigger, only the catalogs.
public struct SchemaSnapshot: Sendable, Codable, Hashable {
    /// The layout of this structure (bumped when fields change meaning).
    public static let currentFormat = 1

    /// The layout version this snapshot was written with.
    public var format: Int
    /// The schema's name.
    public var schema: String
    /// The schema's owner.
    public var owner: String
    /// `COMMENT ON SCHEMA`.
    public var comment: String?
    /// Privileges on the schema (defaults made explicit with `acldefault`).
    public var grants: [Grant]
    /// Tables (ordinary, partitioned, foreign), with their columns, constraints, indexes and triggers.
    public var tables: [Table]
    /// Views and materialized views.
    public var views: [View]
    /// Sequences that are not identity sequences (those are part of their column).
    public var sequences: [Sequence]
    /// Functions and procedures defined in the schema.
    public var functions: [Function]
    /// Extensions installed into the schema.
    public var extensions: [Extension]

    /// Creates a snapshot from its parts (arrays are sorted).
    public init(
        schema: String, owner: String, comment: String? = nil, grants: [Grant] = [], tables: [Table] = [],
        views: [View] = [], sequences: [Sequence] = [], functions: [Function] = [], extensions: [Extension] = []
    ) {
        self.format = Self.currentFormat
        self.schema = schema
        self.owner = owner
        self.comment = comment
        self.grants = grants.sorted()
        self.tables = tables.sorted { $0.name < $1.name }
        self.views = views.sorted { $0.name < $1.name }
        self.sequences = sequences.sorted { $0.name < $1.name }
        self.functions = functions.sorted { $0.signature < $1.signature }
        self.extensions = extensions.sorted { $0.name < $1.name }
    }

    /// One privilege held by one role (`aclexplode`).
    public struct Grant: Sendable, Codable, Hashable, Comparable {
        /// The role name, or `PUBLIC`.
        public var grantee: String
        /// `SELECT`, `INSERT`, `USAGE`, `EXECUTE`, …
        public var privilege: String
        /// `WITH GRANT OPTION`.
        public var grantable: Bool

        public init(grantee: String, privilege: String, grantable: Bool) {
            self.grantee = grantee
            self.privilege = privilege
            self.grantable = grantable
        }

        public static func < (a: Grant, b: Grant) -> Bool {
            (a.grantee, a.privilege, a.grantable ? 1 : 0) < (b.grantee, b.privilege, b.grantable ? 1 : 0)
        }
    }

    /// A table.
    public struct Table: Sendable, Codable, Hashable {
        public var name: String
        /// `table`, `partitioned table` or `foreign table`.
        public var kind: String
        /// `permanent`, `unlogged` or `temporary`.
        public var persistence: String
        public var owner: String
        public var comment: String?
        /// `ENABLE ROW LEVEL SECURITY`.
        public var rowSecurity: Bool
        /// `FORCE ROW LEVEL SECURITY`.
        public var forceRowSecurity: Bool
        /// Storage parameters (`reloptions`), sorted.
        public var options: [String]
        public var columns: [Column]
        public var constraints: [Constraint]
        public var indexes: [Index]
        public var triggers: [Trigger]
        public var grants: [Grant]
    }

    /// A table column.
    public struct Column: Sendable, Codable, Hashable {
        public var name: String
        /// `format_type(atttypid, atttypmod)`, e.g. `character varying(20)`.
        public var type: String
        public var notNull: Bool
        /// `pg_get_expr` of the default (not set for generated columns).
        public var defaultExpression: String?
        /// `always` or `by default` for identity columns.
        public var identity: String?
        /// The expression of a `GENERATED ALWAYS AS (…) STORED` column.
        public var generatedExpression: String?
        /// The collation when it differs from the type's default.
        public var collation: String?
        public var comment: String?
    }

    /// A table constraint (NOT NULL is a column property and not listed here).
    public struct Constraint: Sendable, Codable, Hashable {
        public var name: String
        /// `primary key`, `unique`, `foreign key`, `check`, `exclusion`, `trigger`.
        public var type: String
        /// `pg_get_constraintdef`, e.g. `CHECK ((total_cents >= 0)) NOT VALID`.
        public var definition: String
        public var validated: Bool
        public var deferrable: Bool
        public var initiallyDeferred: Bool
        public var comment: String?
    }

    /// An index.
    public struct Index: Sendable, Codable, Hashable {
        public var name: String
        /// `pg_get_indexdef`.
        public var definition: String
        /// `pg_index.indisvalid` (false after a failed `CREATE INDEX CONCURRENTLY`).
        public var valid: Bool
        public var primary: Bool
        public var unique: Bool
        /// The constraint this index implements (primary key, unique, exclusion), reported through it.
        public var constraint: String?
        public var comment: String?
    }

    /// A (non-internal) trigger.
    public struct Trigger: Sendable, Codable, Hashable {
        public var name: String
        /// `pg_get_triggerdef`.
        public var definition: String
        /// `pg_trigger.tgenabled`: `O` (origin), `D` (disabled), `R` (replica), `A` (always).
        public var enabled: String
    }

    /// A view or materialized view.
    public struct View: Sendable, Codable, Hashable {
        public var name: String
        /// `view` or `materialized view`.
        public var kind: String
        /// `pg_get_viewdef`, whitespace collapsed.
        public var definition: String
        public var owner: String
        public var comment: String?
        /// `reloptions`, e.g. `security_invoker=true`.
        public var options: [String]
        /// Indexes (materialized views only).
        public var indexes: [Index]
        public var grants: [Grant]
    }

    /// A sequence (identity sequences are omitted: they belong to their column).
    public struct Sequence: Sendable, Codable, Hashable {
        public var name: String
        public var type: String
        public var start: String
        public var increment: String
        public var minValue: String
        public var maxValue: String
        public var cache: String
        public var cycle: Bool
        /// `table.column` for `OWNED BY` (serial columns).
        public var ownedBy: String?
        public var owner: String
        public var grants: [Grant]
    }

    /// A function or procedure.
    public struct Function: Sendable, Codable, Hashable {
        /// `name(identity arguments)`.
        public var signature: String
        /// `function` or `procedure`.
        public var kind: String
        /// sha256 of `pg_get_functiondef`.
        public var definitionHash: String
        public var owner: String
        public var grants: [Grant]
    }

    /// An extension installed in the schema.
    public struct Extension: Sendable, Codable, Hashable {
        public var name: String
        public var version: String
    }

    /// The canonical JSON: sorted keys, no insignificant whitespace.
    public func canonicalJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// `sha256:` and the hex SHA-256 of ``canonicalJSON()``; equal fingerprints mean equal snapshots.
    public var fingerprint: String {
        // Encoding a value of plain strings, numbers and arrays cannot fail; an empty digest input is a safe fallback.
        let data = (try? canonicalJSON()) ?? Data()
        return "sha256:" + SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// Counts for summaries.
    public var counts: Counts {
        Counts(
            tables: tables.count, columns: tables.reduce(0) { $0 + $1.columns.count },
            constraints: tables.reduce(0) { $0 + $1.constraints.count },
            indexes: tables.reduce(0) { $0 + $1.indexes.count } + views.reduce(0) { $0 + $1.indexes.count },
            triggers: tables.reduce(0) { $0 + $1.triggers.count }, views: views.count, sequences: sequences.count,
            functions: functions.count)
    }

    /// How many objects a snapshot holds.
    public struct Counts: Sendable, Codable, Hashable {
        public var tables: Int
        public var columns: Int
        public var constraints: Int
        public var indexes: Int
        public var triggers: Int
        public var views: Int
        public var sequences: Int
        public var functions: Int
    }

    /// Whether `name` is one of Slipway's own artefacts (`_slipway_*`).
    static func isSlipwayArtefact(_ name: String) -> Bool { name.hasPrefix("_slipway_") }
}

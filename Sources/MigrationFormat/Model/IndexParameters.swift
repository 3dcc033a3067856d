/// Parameters of the index behind a unique, primary-key or exclusion constraint (`index_parameters`).
///
/// File keys: `tablespace`, `storage_parameters` (SQL), `include_columns`.
public struct IndexParameters: Sendable, Equatable, Hashable {
    /// `USING INDEX TABLESPACE`.
    public var tablespace: String?
    /// `WITH (…)` storage parameters as raw SQL, e.g. `fillfactor=70`.
    public var storageParameters: String?
    /// `INCLUDE (…)` columns (empty when absent).
    public var includeColumns: [String]

    /// Creates index parameters.
    public init(tablespace: String? = nil, storageParameters: String? = nil, includeColumns: [String] = []) {
        self.tablespace = tablespace
        self.storageParameters = storageParameters
        self.includeColumns = includeColumns
    }
}

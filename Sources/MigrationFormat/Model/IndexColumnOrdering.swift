/// Sort direction of an index column.
public enum IndexSortOrder: String, ExternalSpelling, Codable {
    /// `ASC`.
    case ascending = "ASC"
    /// `DESC`.
    case descending = "DESC"
}

/// Where NULLs sort in an index column.
public enum IndexNullsOrder: String, ExternalSpelling, Codable {
    /// `FIRST`.
    case first = "FIRST"
    /// `LAST`.
    case last = "LAST"
}

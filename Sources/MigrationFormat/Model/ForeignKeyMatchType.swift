/// How a multi-column foreign key matches NULLs (`MATCH SIMPLE|FULL|PARTIAL`).
public enum ForeignKeyMatchType: String, ExternalSpelling, Codable {
    /// `SIMPLE`.
    case simple = "SIMPLE"
    /// `FULL`.
    case full = "FULL"
    /// `PARTIAL`.
    case partial = "PARTIAL"
}

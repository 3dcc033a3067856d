/// The kind of a table constraint (`unique`, `check`, `primary_key`, `foreign_key`, `exclude`).
public enum ConstraintType: String, ExternalSpelling, Codable {
    /// `unique`.
    case unique
    /// `check`.
    case check
    /// `primary_key`.
    case primaryKey = "primary_key"
    /// `foreign_key`.
    case foreignKey = "foreign_key"
    /// `exclude`.
    case exclude
}

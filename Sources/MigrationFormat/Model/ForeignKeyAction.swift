/// What a foreign key does when the referenced row is deleted or updated (`ON DELETE` / `ON UPDATE`).
public enum ForeignKeyAction: String, ExternalSpelling, Codable {
    /// `NO ACTION`.
    case noAction = "NO ACTION"
    /// `RESTRICT`.
    case restrict = "RESTRICT"
    /// `CASCADE`.
    case cascade = "CASCADE"
    /// `SET NULL`.
    case setNull = "SET NULL"
    /// `SET DEFAULT`.
    case setDefault = "SET DEFAULT"
}

/// The replica identity kinds of `ALTER TABLE … REPLICA IDENTITY`.
public enum ReplicaIdentityType: String, ExternalSpelling, Codable {
    /// `DEFAULT`.
    case `default` = "DEFAULT"
    /// `FULL`.
    case full = "FULL"
    /// `NOTHING`.
    case nothing = "NOTHING"
    /// `INDEX`.
    case index = "INDEX"
}

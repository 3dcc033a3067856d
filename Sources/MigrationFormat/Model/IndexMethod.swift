/// An index access method.
public enum IndexMethod: String, ExternalSpelling, Codable {
    case btree, hash, gist, spgist, gin, brin
}

/// A file written (or, in a dry run, to be written) by `cut`.
public struct FileChange: Sendable, Hashable, Codable {
    /// What happens to the file.
    public enum Action: String, Sendable, Hashable, Codable {
        /// The file is new.
        case created
        /// The file exists and changes.
        case updated
        /// The file exists and already has the new contents.
        case unchanged
    }

    /// Path relative to the repository root.
    public var path: String
    /// Created, updated or unchanged.
    public var action: Action
    /// What the file is (`changelog`, `version_file`, `manifest`).
    public var role: String
    /// The contents before (`nil` for a new file); not encoded.
    public var originalContents: String?
    /// The contents after; not encoded.
    public var newContents: String

    /// Creates a change.
    public init(path: String, role: String, originalContents: String?, newContents: String) {
        self.path = path
        self.role = role
        self.originalContents = originalContents
        self.newContents = newContents
        if let originalContents {
            action = originalContents == newContents ? .unchanged : .updated
        } else {
            action = .created
        }
    }

    enum CodingKeys: String, CodingKey {
        case path, action, role
    }

    /// Decodes path, action and role (contents are not part of the JSON).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        path = try container.decode(String.self, forKey: .path)
        action = try container.decode(Action.self, forKey: .action)
        role = try container.decode(String.self, forKey: .role)
        originalContents = nil
        newContents = ""
    }

    /// Encodes path, action and role.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path, forKey: .path)
        try container.encode(action, forKey: .action)
        try container.encode(role, forKey: .role)
    }
}

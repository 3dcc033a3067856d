/// How much a change moves the version: none, patch, minor or major.
public enum BumpLevel: Int, Sendable, Comparable, Codable, CaseIterable, CustomStringConvertible {
    /// No version change (docs, chore, ...).
    case none = 0
    /// `x.y.Z`: fixes and performance.
    case patch = 1
    /// `x.Y.0`: features.
    case minor = 2
    /// `X.0.0`: breaking changes.
    case major = 3

    /// Orders by size: `none < patch < minor < major`.
    public static func < (lhs: BumpLevel, rhs: BumpLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    /// `none`, `patch`, `minor` or `major` (the spelling used in `slipway.toml`).
    public var description: String {
        switch self {
        case .none: return "none"
        case .patch: return "patch"
        case .minor: return "minor"
        case .major: return "major"
        }
    }

    /// Encodes as `none`, `patch`, `minor` or `major`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Decodes `none`, `patch`, `minor` or `major`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let level = BumpLevel(name: name) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown bump level '\(name)'")
        }
        self = level
    }

    /// Parses `none`, `patch`, `minor` or `major` (case-insensitive).
    public init?(name: String) {
        guard let level = BumpLevel.allCases.first(where: { $0.description == name.lowercased() }) else { return nil }
        self = level
    }
}

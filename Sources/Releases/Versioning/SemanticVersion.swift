/// A Semantic Versioning 2.0.0 version: `MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]`.
///
/// Parsing is strict (no leading zeros in numeric parts, no empty identifiers, ASCII alphanumerics and hyphen
/// only). Ordering follows SemVer precedence: build metadata is ignored, a pre-release sorts before its
/// release, and pre-release identifiers compare numerically or in ASCII order, numeric before alphanumeric.
/// Two versions that differ only in build metadata are neither `<` nor `>` each other
/// (``hasSamePrecedence(as:)`` is true) but are not `==`.
public struct SemanticVersion: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// The major version.
    public var major: UInt64
    /// The minor version.
    public var minor: UInt64
    /// The patch version.
    public var patch: UInt64
    /// Pre-release identifiers (`["rc", "1"]` for `-rc.1`); empty for a release.
    public var prerelease: [String]
    /// Build metadata identifiers (`["build", "5"]` for `+build.5`); ignored in precedence.
    public var build: [String]

    /// Creates a version from its parts. Identifiers are not validated; use ``init(parsing:)`` for input.
    public init(_ major: UInt64, _ minor: UInt64, _ patch: UInt64, prerelease: [String] = [], build: [String] = []) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.prerelease = prerelease
        self.build = build
    }

    /// Parses a version, returning `nil` when `text` is not valid SemVer 2.0.0 (a `v` prefix is not accepted).
    public init?(_ text: String) {
        guard let parsed = try? SemanticVersion(parsing: text) else { return nil }
        self = parsed
    }

    /// Parses a version strictly.
    /// - Throws: ``ReleaseError`` with code ``ReleaseError/Code/invalidVersion`` saying which part is wrong.
    public init(parsing text: String) throws {
        func fail(_ why: String) -> ReleaseError {
            ReleaseError(
                code: .invalidVersion, message: "'\(text)' is not a Semantic Version: \(why)",
                hint: "use MAJOR.MINOR.PATCH with optional -PRERELEASE and +BUILD, e.g. 1.4.0-rc.1")
        }
        var rest = Substring(text)
        var build: [String] = []
        if let plus = rest.firstIndex(of: "+") {
            let buildText = rest[rest.index(after: plus)...]
            rest = rest[..<plus]
            build = buildText.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            for identifier in build {
                guard !identifier.isEmpty else { throw fail("empty build metadata identifier") }
                guard identifier.utf8.allSatisfy(Self.isIdentifierByte) else {
                    throw fail("build metadata '\(identifier)' may only contain [0-9A-Za-z-]")
                }
            }
        }
        var prerelease: [String] = []
        if let dash = rest.firstIndex(of: "-") {
            let preText = rest[rest.index(after: dash)...]
            rest = rest[..<dash]
            prerelease = preText.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            for identifier in prerelease {
                guard !identifier.isEmpty else { throw fail("empty pre-release identifier") }
                guard identifier.utf8.allSatisfy(Self.isIdentifierByte) else {
                    throw fail("pre-release identifier '\(identifier)' may only contain [0-9A-Za-z-]")
                }
                if identifier.utf8.allSatisfy(Self.isDigit), identifier.count > 1, identifier.hasPrefix("0") {
                    throw fail("numeric pre-release identifier '\(identifier)' has a leading zero")
                }
            }
        }
        let core = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard core.count == 3 else { throw fail("expected three dot-separated numbers MAJOR.MINOR.PATCH") }
        var numbers: [UInt64] = []
        for (name, part) in zip(["major", "minor", "patch"], core) {
            guard !part.isEmpty, part.utf8.allSatisfy(Self.isDigit) else {
                throw fail("\(name) version '\(part)' is not a number")
            }
            guard part.count == 1 || !part.hasPrefix("0") else { throw fail("\(name) version '\(part)' has a leading zero") }
            guard let value = UInt64(part), value <= Self.largestNumber else {
                throw fail("\(name) version '\(part)' is too large (at most \(Self.largestNumber))")
            }
            numbers.append(value)
        }
        self.init(numbers[0], numbers[1], numbers[2], prerelease: prerelease, build: build)
    }

    /// The largest number MAJOR, MINOR or PATCH may have: 2^63 − 2, so that bumping it never overflows (npm's
    /// semver stops at 2^53 − 1). Numeric pre-release identifiers have no limit (they compare as digit strings).
    public static let largestNumber = UInt64(Int64.max) - 1

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D
    }

    /// True when this is a pre-release (`1.0.0-rc.1`).
    public var isPrerelease: Bool { !prerelease.isEmpty }

    /// The same version without pre-release identifiers and build metadata.
    public var finalVersion: SemanticVersion { SemanticVersion(major, minor, patch) }

    /// `MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]`.
    public var description: String {
        var text = "\(major).\(minor).\(patch)"
        if !prerelease.isEmpty { text += "-" + prerelease.joined(separator: ".") }
        if !build.isEmpty { text += "+" + build.joined(separator: ".") }
        return text
    }

    /// True when the two versions have equal precedence (they differ at most in build metadata).
    public func hasSamePrecedence(as other: SemanticVersion) -> Bool {
        !(self < other) && !(other < self)
    }

    /// SemVer 2.0.0 precedence (§11); build metadata is ignored.
    public static func < (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
        if lhs.major != rhs.major { return lhs.major < rhs.major }
        if lhs.minor != rhs.minor { return lhs.minor < rhs.minor }
        if lhs.patch != rhs.patch { return lhs.patch < rhs.patch }
        switch (lhs.prerelease.isEmpty, rhs.prerelease.isEmpty) {
        case (true, true), (true, false): return false
        case (false, true): return true
        case (false, false): break
        }
        for (left, right) in zip(lhs.prerelease, rhs.prerelease) where left != right {
            return identifierLess(left, right)
        }
        return lhs.prerelease.count < rhs.prerelease.count
    }

    static func identifierLess(_ left: String, _ right: String) -> Bool {
        let leftNumeric = left.utf8.allSatisfy(isDigit)
        let rightNumeric = right.utf8.allSatisfy(isDigit)
        switch (leftNumeric, rightNumeric) {
        case (true, true):
            // Compare arbitrarily long numbers without overflow: shorter is smaller (no leading zeros).
            if left.utf8.count != right.utf8.count { return left.utf8.count < right.utf8.count }
            return left.utf8.lexicographicallyPrecedes(right.utf8)
        case (true, false): return true
        case (false, true): return false
        case (false, false): return left.utf8.lexicographicallyPrecedes(right.utf8)
        }
    }

    /// The version after applying `level`. On `0.y.z`, a major bump becomes a minor bump unless
    /// `majorOnZero` is true. Pre-release and build identifiers are dropped.
    public func bumped(_ level: BumpLevel, majorOnZero: Bool = false) -> SemanticVersion {
        switch level {
        case .none: return finalVersion
        case .patch: return SemanticVersion(major, minor, patch + 1)
        case .minor: return SemanticVersion(major, minor + 1, 0)
        case .major:
            if major == 0 && !majorOnZero { return SemanticVersion(0, minor + 1, 0) }
            return SemanticVersion(major + 1, 0, 0)
        }
    }

    /// Encodes as the version string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Decodes from a version string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self = try SemanticVersion(parsing: try container.decode(String.self))
    }
}
